"""Causes check() can find when no known mistake explains a failure.

Each function looks at *how* a result or an exception differs from what was expected
(a constant factor, a shift by one step, an array passed to ``math.floor``, rows indexed
where columns belong, ...) and returns a sentence in the learner's terms, or None.
"""

import inspect
import re

import numpy as np

from optim_helpers.compare import format_pair, short_repr

# --- exceptions -----------------------------------------------------------------------------------

SCALAR_ONLY = re.compile(
    r"converted to Python scalars|truth value of an array|doesn't define __(floor|ceil|round|trunc)__|"
    r"must be real number, not numpy|only integer scalar arrays"
)
OUT_OF_BOUNDS = re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)")
BROADCAST = re.compile(r"operands could not be broadcast together with shapes (\S+) (\S+)")


def explain_exception(error, fn, args, kwargs):
    """A sentence about why ``fn(*args, **kwargs)`` raised ``error``, or None."""
    named = dict(zip(argument_names(fn), args), **kwargs)
    for explain in (_scalar_only, _rows_for_columns, _layer_numbering, _broadcast):
        sentence = explain(error, named)
        if sentence:
            return sentence
    return None


def _scalar_only(error, named):
    arrays = [name for name, value in named.items() if isinstance(value, np.ndarray) and value.ndim == 1]
    if not isinstance(error, (TypeError, ValueError)) or not arrays or not SCALAR_ONLY.search(str(error)):
        return None
    return (f"Your function works for one number but not for an array: here {arrays[0]} is an array of "
            f"{named[arrays[0]].size} values, and math.floor, math.sqrt, math.exp, int(...), round(...) and "
            f"`if` take one number at a time. Use NumPy, which works element by element: np.floor(...) or //, "
            f"np.sqrt, np.exp, np.where(...).")


def _rows_for_columns(error, named):
    match = OUT_OF_BOUNDS.search(str(error)) if isinstance(error, IndexError) else None
    if not match or match.group(2) != "0":
        return None
    index, size = int(match.group(1)), int(match.group(3))
    for name, value in named.items():
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == size < value.shape[1] > index:
            return (f"It indexed the rows (axis 0) of {name} with an example number; the examples are the "
                    f"columns of {name} (shape (n_x, m)): shuffle and slice along axis 1, "
                    f"{name}[:, permutation] and {name}[:, k * size:(k + 1) * size].")
    return None


def _layer_numbering(error, named):
    if not isinstance(error, KeyError) or not error.args or not isinstance(error.args[0], str):
        return None
    key = error.args[0]
    layer = key.lstrip("dWb")
    dicts = [value for value in named.values() if isinstance(value, dict)]
    if not layer.isdigit() or not dicts:
        return None
    layers = max(len(value) // 2 for value in dicts)
    if int(layer) == 0 or int(layer) > layers:
        return (f"It looked up {key!r}, but the layers are numbered 1 … L (here L = {layers}): loop over "
                f"range(1, L + 1), or use str(l + 1) with range(L).")
    if any(key in value for value in dicts):
        return (f"It looked up {key!r} in a dict that does not have it: parameters are keyed \"W1\", \"b1\", …; "
                f"grads, v and s are keyed \"dW1\", \"db1\", ….")
    return None


def _broadcast(error, named):
    match = BROADCAST.search(str(error)) if isinstance(error, ValueError) else None
    if not match:
        return None
    return (f"It combined arrays of shapes {match.group(1)} and {match.group(2)}, which do not fit together: "
            f"look for a stray transpose (.T), a sum over the wrong axis, or a value taken from the wrong dict.")


# --- wrong values ---------------------------------------------------------------------------------


def explain_values(difference, fn, args, kwargs):
    """The likely cause of a numeric :class:`~optim_helpers.compare.Difference`, or None."""
    if difference.structural:
        return None
    actual, expected = np.asarray(difference.actual, dtype=float), np.asarray(difference.expected, dtype=float)
    named = dict(zip(argument_names(fn), args), **kwargs)
    for explain in (_not_finite, _shifted, _rounded, _factor, _offset, _step_factor):
        sentence = explain(actual, expected, named, difference.where)
        if sentence:
            return sentence
    return None


def _not_finite(actual, expected, named, where):
    bad = ~np.isfinite(actual) & np.isfinite(expected)
    if not bad.any():
        return None
    return (f"returned nan or inf in {where} where a finite number belongs: something was divided by zero "
            f"(e.g. 1 − β^0 = 0 when a step counter starts at 0, or t − 1 at t = 1) or took the square root "
            f"or log of a negative number.")


def _shifted(actual, expected, named, where):
    if actual.ndim != 1 or actual.size < 3:
        return None
    if np.allclose(actual[1:], expected[:-1], rtol=1e-6, atol=1e-9):
        return (f"returned {where} one step late: its value at step t is the right value of step t − 1. "
                f"Check where the loop starts and which θ each step uses.")
    if np.allclose(actual[:-1], expected[1:], rtol=1e-6, atol=1e-9):
        return f"returned {where} one step early: its value at step t is the right value of step t + 1."
    return None


def _constant_ratio(actual, expected):
    """``actual / expected`` when it is the same number (not 1) wherever ``expected`` is not 0, else None."""
    usable = np.abs(expected) > 1e-12
    if not usable.any() or np.any(np.abs(actual[~usable]) > 1e-9):
        return None
    ratios = actual[usable] / expected[usable]
    ratio = float(ratios.flat[0])
    if not np.allclose(ratios, ratio, rtol=1e-6) or np.isclose(ratio, 1.0):
        return None
    return ratio


def _factor(actual, expected, named, where):
    ratio = _constant_ratio(actual, expected)
    if ratio is None:
        return None
    if np.isclose(ratio, -1.0):
        return f"returned {where} with the opposite sign everywhere: check + against − in your formula."
    name = _name_of(ratio, named)
    if name:
        return (f"returned {where} multiplied by {name} (= {ratio:.6g}): there is a factor {name} too many, "
                f"or its inverse is missing.")
    if actual.size > 1:
        return (f"returned {where} {ratio:.6g} times the right value everywhere: the formula has the right shape "
                f"but a constant factor is wrong (a missing or extra coefficient).")
    return None


def _offset(actual, expected, named, where):
    shifts = actual - expected
    shift = float(shifts.flat[0])
    if shifts.size < 2 or not np.allclose(shifts, shift, rtol=1e-6, atol=1e-12):
        return None
    name = _name_of(shift, named) or _name_of(-shift, named)
    what = f" (= {name})" if name else ""
    return (f"returned {where} off by the same amount {format_pair(shift, 0.0)[0]}{what} everywhere: a term is "
            f"added outside the expression it belongs to (check the parentheses), or left out.")


def _rounded(actual, expected, named, where):
    for decimals in range(0, 5):
        if np.allclose(actual, np.round(expected, decimals), rtol=1e-9, atol=0):
            got, wanted = format_pair(actual.flat[0], expected.flat[0])
            return (f"returned {where} rounded to {decimals} decimal{'s' if decimals != 1 else ''} ({got} instead "
                    f"of {wanted}): return the full float, without round(...) or int(...).")
    return None


STATE_ENTRY = re.compile(r'^(\w+)\["(\w+)"\]$')


def _step_factor(actual, expected, named, where):
    """An update ``new = w·old + term`` whose term is a constant multiple of the right term.

    ``w`` is 1 for a parameter step (W − α·...) and a β argument for a running average
    (v = β·v + ...): the learner kept that part right and scaled (or flipped) the rest.
    """
    match = STATE_ENTRY.match(where)
    old = named.get(match.group(1), {}).get(match.group(2)) if match else None
    if not isinstance(old, np.ndarray) or old.shape != actual.shape:
        return None
    kept = [("", 1.0)] + [(name, float(value)) for name, value in named.items()
                          if name.startswith("beta") and isinstance(value, (int, float, np.floating))]
    for weight_name, weight in kept:
        ratio = _constant_ratio(actual - weight * old, expected - weight * old)
        if ratio is None:
            continue
        term = f"the step of {where}" if not weight_name else f"the new term of {where} (after {weight_name}·{where})"
        if np.isclose(ratio, -1.0):
            return f"gave {term} the opposite sign: check + against − (and the sign convention of the formula)."
        name = _name_of(ratio, named)
        factor = f"{name} (= {ratio:.6g})" if name else f"{ratio:.6g}"
        return (f"multiplied {term} by {factor}: a factor {name or 'of that size'} is too many, or its "
                f"inverse is missing.")
    return None


def _name_of(value, named):
    """An expression of the call's arguments equal to ``value``, e.g. ``'1 − beta'``, or None."""
    for expression, candidate in _candidates(named):
        if np.isfinite(candidate) and np.isclose(value, candidate, rtol=1e-6, atol=0):
            return expression
    return None


def _candidates(named):
    """``(expression, number)`` pairs built from the scalar arguments and the array sizes of a call."""
    pairs = [("2", 2.0), ("1/2", 0.5)]
    for name, value in named.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[1] > 1:
                columns = value.shape[1]
                pairs += [(f"{name}.shape[1] = {columns} (the number of examples)", columns),
                          (f"1/{name}.shape[1]", 1 / columns)]
            continue
        x = float(value)
        pairs += [(name, x), (f"(1 − {name})", 1 - x)]
        with np.errstate(divide="ignore"):
            pairs += [(f"1/{name}", np.divide(1, x)), (f"1/(1 − {name})", np.divide(1, 1 - x)),
                      (f"{name}/(1 − {name})", np.divide(x, 1 - x)), (f"(1 − {name})/{name}", np.divide(1 - x, x))]
    return pairs


# --- known mistakes that need a second look -------------------------------------------------------


def plausible(mistake_id, fn, cases):
    """False when ``fn`` plainly does not make ``mistake_id``: a seed is not blamed when the seed was used."""
    if mistake_id != "ignores_seed":
        return True
    for case in cases:
        if "seed" in case["kwargs"]:
            other = dict(case["kwargs"], seed=case["kwargs"]["seed"] + 1)
            try:
                first, second = fn(*case["args"], **case["kwargs"]), fn(*case["args"], **other)
            except Exception:
                return True
            return _same(first, second)
    return True


def _same(first, second):
    if isinstance(first, (list, tuple)):
        return isinstance(second, (list, tuple)) and len(first) == len(second) and all(map(_same, first, second))
    try:
        return np.array_equal(np.asarray(first, dtype=float), np.asarray(second, dtype=float))
    except (TypeError, ValueError):
        return first == second


# --- describing a call ----------------------------------------------------------------------------


def argument_names(fn):
    """Parameter names of ``fn`` in order ([] when they cannot be read)."""
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def describe_call(fn, args, kwargs, limit=3):
    """The arguments of a call in at most ``limit`` short lines: small arrays in full, others by shape."""
    names = argument_names(fn) if fn is not None else []
    parts = [f"{names[i]}={_describe(value)}" if i < len(names) else _describe(value) for i, value in enumerate(args)]
    parts += [f"{key}={_describe(value)}" for key, value in kwargs.items()]
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > 100:
            lines.append(line)
            line = ""
        line += (", " if line else "") + part
    lines.append(line)
    if len(lines) > limit:
        lines = lines[:limit] + ["…"]
    return "(" + "\n    ".join(lines) + ")"


def _describe(value):
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=4, separator=", ")
        return f"<array of shape {value.shape}>"
    if isinstance(value, dict):
        items = [f"{key}: {value[key].shape if isinstance(value[key], np.ndarray) else short_repr(value[key], 20)}"
                 for key in list(value)[:4]]
        return "{" + ", ".join(items) + (", …" if len(value) > 4 else "") + "}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return short_repr(value)
