"""JSON encoding of the values exercises exchange: arrays, dicts, tuples, lists and scalars.

Used for the check() fixtures and by the grader to pass inputs and outputs between
processes without pickle (which could run code when loaded).
"""

import json

import numpy as np


def _encode(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot encode an array of dtype {value.dtype}")
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.kind, "shape": list(value.shape)}
    if isinstance(value, dict):
        return {"__dict__": [[str(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"cannot encode a {type(value).__name__}")


_DTYPES = {"b": bool, "i": np.int64, "u": np.int64, "f": float}


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.array(value["__ndarray__"], dtype=_DTYPES[value["dtype"]]).reshape(value["shape"])
        if "__dict__" in value:
            return {key: _decode(item) for key, item in value["__dict__"]}
        if "__tuple__" in value:
            return tuple(_decode(item) for item in value["__tuple__"])
        raise ValueError(f"unknown encoded object with keys {sorted(value)}")
    return value


def dumps(value):
    """Encode ``value`` as a JSON string (NaN and infinities are allowed)."""
    return json.dumps(_encode(value))


def loads(text):
    """Decode a string made by :func:`dumps`."""
    return _decode(json.loads(text))
