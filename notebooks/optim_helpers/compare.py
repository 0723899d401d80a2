"""Compare a returned value with the expected one and say, in a learner's terms, what differs.

Used by ``check()`` and by the grader (``from optim_helpers.compare import explain_difference``).

:func:`explain_difference` returns ``None`` when the values match (``rtol=1e-6`` by default),
otherwise one sentence about the *first* quantity that differs: the name of the returned
item and entry (``v["dW1"][0, 0]``), both numbers with enough digits to tell them apart,
and, when the difference has a recognisable shape (transposed, a ``(1, 1)`` array for a
number, items returned in another order, keys of the parameters instead of the gradients),
what probably caused it. :func:`first_difference` returns the same as a :class:`Difference`
so that callers can look further at the two values.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class Difference:
    """The first place where a value differs from the expected one.

    Attributes
    ----------
    where : str
        Name of the differing quantity, e.g. ``'v["dW1"]'``.
    sentence : str
        What differs, starting with ``where``.
    actual, expected : object
        The two values at ``where`` (arrays for numbers).
    structural : bool
        True when type, shape, keys or length differ, not only the numbers.
    explained : bool
        True when the sentence also says the likely cause (a forgotten return, a transpose, ...).
    """

    where: str
    sentence: str
    actual: object = None
    expected: object = None
    structural: bool = True
    explained: bool = False


def explain_difference(actual, expected, where="the result", rtol=1e-6, atol=1e-9):
    """None if ``actual`` matches ``expected``, else a sentence about the first difference.

    Parameters
    ----------
    actual, expected : object
        Numbers, arrays, strings, and dicts, tuples or lists of them.
    where : str
        How to name the value in the sentence.
    rtol, atol : float
        Tolerances of :func:`numpy.isclose`.

    Returns
    -------
    str or None
    """
    difference = first_difference(actual, expected, where, rtol, atol)
    return None if difference is None else difference.sentence


def first_difference(actual, expected, where="the result", rtol=1e-6, atol=1e-9, names=None):
    """The first :class:`Difference` between ``actual`` and ``expected``, or None.

    Parameters
    ----------
    names : sequence of str, optional
        Names of the items when ``expected`` is a tuple, e.g. ``("parameters", "v")``. Items
        named ``parameters`` are compared last: they are computed from the others, so a
        wrong state explains a wrong parameter, not the reverse.
    """
    if isinstance(expected, tuple) and names:
        return _tuple_difference(actual, expected, where, rtol, atol, names)
    if isinstance(expected, dict):
        return _dict_difference(actual, expected, where, rtol, atol)
    if isinstance(expected, (tuple, list)):
        return _sequence_difference(actual, expected, where, rtol, atol)
    if isinstance(expected, str):
        if actual is None:
            return Difference(where, _none_returned(where), actual, expected, explained=True)
        if isinstance(actual, str) and actual == expected:
            return None
        sentence = f"{where} should be {expected!r}, got {short_repr(actual)}"
        if isinstance(actual, str) and actual.strip().lower() == expected:
            return Difference(where, f"{sentence}: spell it exactly, in lower case and without spaces", actual,
                              expected, explained=True)
        return Difference(where, sentence, actual, expected)
    return _numeric_difference(actual, expected, where, rtol, atol)


def _none_returned(where):
    return f"{where} is None: did you forget `return`?"


def _tuple_difference(actual, expected, where, rtol, atol, names):
    if actual is None:
        return Difference(where, _none_returned(where), actual, expected, explained=True)
    wanted = f"({', '.join(names)})"
    if not isinstance(actual, (tuple, list)):
        return Difference(where, f"{where} should be the {len(expected)} values {wanted}, got one "
                          f"{type(actual).__name__}: return {', '.join(names)}", actual, expected, explained=True)
    if len(actual) != len(expected):
        return Difference(where, f"{where} should be the {len(expected)} values {wanted}, got {len(actual)} "
                          f"values: return {', '.join(names)}", actual, expected, explained=True)
    swapped = _swapped_items(actual, expected, rtol, atol)
    if swapped:
        looks = ", ".join(f"item {i} looks like {names[j]}" for i, j in swapped)
        return Difference(where, f"{where} has its items in another order ({looks}): return {wanted} in this order",
                          actual, expected, explained=True)
    order = sorted(range(len(names)), key=lambda index: names[index] == "parameters")
    for index in order:
        difference = first_difference(actual[index], expected[index], names[index], rtol, atol)
        if difference:
            return difference
    return None


def _swapped_items(actual, expected, rtol, atol):
    """``[(i, j), ...]`` when item i of ``actual`` matches item j != i of ``expected``; [] otherwise."""
    moved = []
    for i, item in enumerate(actual):
        if first_difference(item, expected[i], "", rtol, atol) is None:
            continue
        matches = [j for j, other in enumerate(expected) if j != i
                   and first_difference(item, other, "", rtol, atol) is None]
        if not matches:
            return []
        moved.append((i, matches[0]))
    return moved


def _dict_difference(actual, expected, where, rtol, atol):
    if actual is None:
        return Difference(where, _none_returned(where), actual, expected, explained=True)
    if not isinstance(actual, dict):
        return Difference(where, f"{where} should be a dict, got {type(actual).__name__}", actual, expected)
    if set(actual) != set(expected):
        sentence, explained = _explain_keys(actual, expected, where)
        return Difference(where, sentence, actual, expected, explained=explained)
    for key in expected:
        difference = first_difference(actual[key], expected[key], f"{where}[{_key(key)}]", rtol, atol)
        if difference:
            return difference
    return None


def _explain_keys(actual, expected, where):
    got, wanted = set(map(str, actual)), set(expected)
    if {"d" + key for key in got} == wanted:
        return (f"{where} is keyed like the parameters ({_keys(got)}); key it like the gradients: "
                f"{_keys(wanted)}"), True
    if {key[1:] for key in got if key.startswith("d")} == wanted:
        return f"{where} is keyed like the gradients ({_keys(got)}); key it like the parameters: {_keys(wanted)}", True
    parts = []
    if wanted - got:
        parts.append(f"lacks the keys {_keys(wanted - got)}")
    if got - wanted:
        parts.append(f"has keys that do not belong ({_keys(got - wanted)})")
    hint = " (the last layer is missing: loop over l = 1 … L, range(1, L + 1))" if _last_layer_missing(got, wanted) else ""
    return f"{where} {' and '.join(parts)}; the keys should be {_keys(wanted)}{hint}", bool(hint)


def _last_layer_missing(got, wanted):
    """True when the only missing keys are those of the highest layer number."""
    missing = wanted - got
    if not missing or got - wanted:
        return False
    layers = {key: int(key.lstrip("dWb")) for key in wanted if key.lstrip("dWb").isdigit()}
    return bool(layers) and {layers.get(key) for key in missing} == {max(layers.values())}


def _key(key):
    """A key as the learner writes it: v["dW1"] with double quotes."""
    return f'"{key}"' if isinstance(key, str) else repr(key)


def _keys(keys):
    ordered = sorted(keys, key=lambda key: (len(key), key))
    return ", ".join(f'"{key}"' for key in ordered)


def _sequence_difference(actual, expected, where, rtol, atol):
    if actual is None:
        return Difference(where, _none_returned(where), actual, expected, explained=True)
    kind = type(expected).__name__
    if not isinstance(actual, (tuple, list)):
        return Difference(where, f"{where} should be a {kind} of {len(expected)} items, got {type(actual).__name__}",
                          actual, expected)
    if len(actual) != len(expected):
        return Difference(where, f"{where} should have {len(expected)} items, got {len(actual)}", actual, expected)
    for index, (a, e) in enumerate(zip(actual, expected)):
        difference = first_difference(a, e, f"{where}[{index}]", rtol, atol)
        if difference:
            return difference
    return None


def _numeric_difference(actual, expected, where, rtol, atol):
    if actual is None:
        return Difference(where, _none_returned(where), actual, expected, explained=True)
    expected_array = np.asarray(expected, dtype=float)
    if isinstance(actual, (str, bytes, dict, tuple)):
        return Difference(where, f"{where} should be a number or array, got {short_repr(actual)}", actual, expected)
    try:
        actual_array = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return Difference(where, f"{where} should be a number or array, got {type(actual).__name__}", actual, expected)
    if actual_array.shape != expected_array.shape:
        sentence = _explain_shape(actual_array, expected_array, where, rtol, atol)
        stated = f"{where} should have shape {expected_array.shape}, got shape {actual_array.shape}"
        return Difference(where, sentence, actual_array, expected_array, explained=sentence != stated)
    if np.allclose(actual_array, expected_array, rtol=rtol, atol=atol, equal_nan=True):
        return None
    wrong = ~np.isclose(actual_array, expected_array, rtol=rtol, atol=atol, equal_nan=True)
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    position = f"{where}[{', '.join(map(str, index))}]" if index else where
    got, wanted = format_pair(actual_array[index], expected_array[index])
    return Difference(where, f"{position} is {got}, expected {wanted}", actual_array, expected_array,
                      structural=False)


def _explain_shape(actual, expected, where, rtol, atol):
    stated = f"{where} should have shape {expected.shape}, got shape {actual.shape}"
    if actual.size == 1 and expected.ndim == 0:
        same = np.isclose(actual.item(), expected.item(), rtol=rtol, atol=atol)
        value = "the right number" if same else f"{format_pair(actual.item(), expected.item())[0]}"
        return (f"{where} is an array of shape {actual.shape} holding {value}; return a plain number: "
                f"float(...) or np.squeeze(...)")
    if actual.shape == expected.shape[::-1]:
        if np.allclose(actual.T, expected, rtol=rtol, atol=atol, equal_nan=True):
            return f"{stated}: it is the transpose of the right array (one example per column; no .T there)"
        return f"{stated}: rows and columns are swapped (one example per column)"
    if actual.size == expected.size and np.allclose(actual.reshape(expected.shape), expected, rtol=rtol, atol=atol):
        return f"{stated}: the numbers are right, the shape is not (keep the shape of the input: no .ravel() or .flatten())"
    if actual.ndim < expected.ndim and actual.shape == tuple(n for n in expected.shape if n != 1):
        return f"{stated}: a dimension of size 1 was dropped (use keepdims=True, or reshape)"
    if actual.ndim == 0 and expected.ndim == 1:
        return f"{stated}: one value came back where one per step (or per epoch) belongs"
    return stated


def format_pair(actual, expected):
    """Both numbers as text, with just enough significant digits to show that they differ.

    >>> format_pair(1.441891, 1.441894)
    ('1.441891', '1.441894')
    """
    for digits in range(6, 18):
        got, wanted = f"{actual:.{digits}g}", f"{expected:.{digits}g}"
        if got != wanted:
            return got, wanted
    return repr(actual), repr(expected)


def short_repr(value, limit=60):
    """``repr(value)``, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def leaf_pairs(actual, expected, where="the result", names=None):
    """``{name: (actual part or None, expected part)}`` for every number, array or string of ``expected``.

    Named and ordered as :func:`first_difference` visits them (``v["dW1"]``, then ``parameters["b2"]``:
    items named ``parameters`` last); a part ``actual`` lacks, or holds in another form, is paired with None.
    """
    pairs = {}
    _collect(actual, expected, where, names, pairs)
    return pairs


def _collect(actual, expected, where, names, pairs):
    if isinstance(expected, tuple) and names:
        items = actual if isinstance(actual, (tuple, list)) and len(actual) == len(expected) else [None] * len(expected)
        for index in sorted(range(len(names)), key=lambda index: names[index] == "parameters"):
            _collect(items[index], expected[index], names[index], None, pairs)
    elif isinstance(expected, dict):
        for key, part in expected.items():
            _collect(actual.get(key) if isinstance(actual, dict) else None, part, f"{where}[{_key(key)}]", None, pairs)
    elif isinstance(expected, (tuple, list)):
        items = actual if isinstance(actual, (tuple, list)) and len(actual) == len(expected) else [None] * len(expected)
        for index, (item, part) in enumerate(zip(items, expected)):
            _collect(item, part, f"{where}[{index}]", None, pairs)
    else:
        pairs[where] = (actual, expected)
