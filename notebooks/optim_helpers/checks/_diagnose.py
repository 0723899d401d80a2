"""What check() can say when no candidate mistake reproduces a failure.

For an exception, why it was raised (an array passed to ``math.floor``, rows indexed where
columns belong, ...), read from its message and the inputs. For wrong values, a description
that reproduces the learner's results on every probe (a constant factor, a rounding, a shift
by one step, ...), and otherwise what is known and true: which returned quantities differ
and which are right. Each returns a sentence in the learner's terms, or None.
"""

import inspect
import re

import numpy as np

from optim_helpers.checks._engine import Raised
from optim_helpers.compare import first_difference, format_pair, leaf_pairs, short_repr

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


# --- wrong values: descriptions that hold on every probe ------------------------------------------
#
# Each hypothesis predicts, from a case's expected output and arguments, what one returned quantity
# (the first that differs, e.g. v["dW1"]) would be after a slip of one shape: rounded, scaled by a
# factor, shifted by a constant, its step scaled, one step late. A hypothesis is said only when its
# prediction matches the learner's result on every case that has that quantity, the right ones too.


def reproduced_description(outcomes, cases, fn, names, rtol=1e-6, atol=1e-9):
    """``(sentence, what)``: a description of the learner's results that holds on every case, or None.

    ``what`` names the description without its numbers (``"factor:learning_rate"``, ``"rounded:1"``),
    so that the same slip found on other inputs gives the same ``what``.

    Parameters
    ----------
    outcomes : list
        The learner's result for each case (a :class:`~._engine.Raised` for a call that raised).
    cases : list of dict
        The cases, with ``args``, ``kwargs`` and ``expected``.
    fn : callable
        The learner's function (for its argument names).
    names : sequence of str
        What the exercise returns (``("parameters", "v")``).
    """
    if any(isinstance(outcome, Raised) for outcome in outcomes):
        return None
    single = names[0] if len(names) == 1 else "the result"
    tuple_names = names if len(names) > 1 else None
    pairs = [leaf_pairs(outcome, case["expected"], single, tuple_names) for outcome, case in zip(outcomes, cases)]
    where = _first_numeric_difference(pairs, rtol, atol)
    if where is None:
        return None
    arguments = [bound_arguments(fn, case["args"], case["kwargs"]) for case in cases]
    observed = []
    for case_pairs, named in zip(pairs, arguments):
        if where not in case_pairs:
            continue
        actual, expected = case_pairs[where]
        try:
            actual = np.asarray(actual, dtype=float)
        except (TypeError, ValueError):
            return None
        expected = np.asarray(expected, dtype=float)
        if actual.shape != expected.shape:
            return None
        observed.append((actual, expected, named, _input_part(where, named)))
    if len(observed) < 2 or _one_answer(observed):
        return None
    for describe in (_rounded, _shifted, _factor, _offset, _step_factor):
        found = describe(observed, where, rtol, atol)
        if found:
            return found
    return None


def _one_answer(observed):
    """Whether the learner gave one and the same number on every case while the right numbers differ:
    "always 0" fits too many slips (and roundings of small numbers) to describe one."""
    answers = [actual for actual, _, _, _ in observed]
    return all(answer.size == 1 for answer in answers) and len({float(answer.flat[0]) for answer in answers}) == 1 \
        and len({float(expected.flat[0]) for _, expected, _, _ in observed}) > 1


def _first_numeric_difference(pairs, rtol, atol):
    """The name of the first quantity that differs by its numbers only, in the first case where one does."""
    for case_pairs in pairs:
        for where, (actual, expected) in case_pairs.items():
            difference = first_difference(actual, expected, where, rtol, atol)
            if difference is not None:
                return None if difference.structural else where
    return None


def _input_part(where, named):
    """The input a returned quantity updates: ``v["dW1"]`` -> the argument v's ``"dW1"``."""
    match = STATE_ENTRY.match(where)
    state = named.get(match.group(1)) if match else None
    return state.get(match.group(2)) if isinstance(state, dict) else None


def _holds(observed, predict, rtol, atol):
    """Whether ``predict(expected, named, old)`` gives the learner's result in every observed case."""
    with np.errstate(all="ignore"):
        for actual, expected, named, old in observed:
            prediction = predict(expected, named, old)
            if prediction is None or np.shape(prediction) != actual.shape or not np.allclose(
                    actual, prediction, rtol=rtol, atol=atol, equal_nan=True):
                return False
    return True


def _example(observed, rtol, atol):
    """``(got, wanted)`` as text, at the first entry that differs in the first case where one does."""
    for actual, expected, _, _ in observed:
        wrong = ~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
        if wrong.any():
            index = tuple(np.argwhere(wrong)[0])
            return format_pair(actual[index], expected[index])
    return format_pair(observed[0][0].flat[0], observed[0][1].flat[0])


def _rounded(observed, where, rtol, atol):
    for decimals in range(0, 5):
        if _holds(observed, lambda expected, named, old: np.round(expected, decimals), 1e-9, 0):
            got, wanted = _example(observed, rtol, atol)
            return (f"returned {where} rounded to {decimals} decimal{'s' if decimals != 1 else ''} ({got} instead "
                    f"of {wanted}): return the full float, without round(...) or int(...).", f"rounded:{decimals}")
    return None


def _shifted(observed, where, rtol, atol):
    if any(actual.ndim != 1 or actual.size < 2 for actual, _, _, _ in observed):
        return None
    if _holds(observed, lambda expected, named, old: np.concatenate([[0.0], expected[:-1]]), rtol, atol):
        return (f"returned {where} one step late on every input checked: its value at step t is the right value of "
                f"step t − 1 (and 0 first). Check where the loop starts and which θ each step uses.", "shifted")
    return None


def _factors(observed, ratio):
    """``[(expression, value_in(named))]``: the expressions of the arguments equal to ``ratio`` in the first
    case, then ``ratio`` itself as a constant."""
    first = observed[0][2]
    found = [(expression, lambda named, expression=expression: dict(_candidates(named)).get(expression))
             for expression, value in _candidates(first) if np.isfinite(value) and np.isclose(ratio, value, rtol=1e-6)]
    return found + [(None, lambda named: ratio)]


def _first_ratio(observed, old_weight=None):
    """The ratio actual / expected (or of the steps after ``old_weight``·old) at the first entry that differs."""
    for actual, expected, named, old in observed:
        base = 0.0 if old_weight is None else old_weight(named) * old
        step, right = actual - base, expected - base
        usable = (np.abs(right) > 1e-12) & ~np.isclose(actual, expected, rtol=1e-9, atol=0)
        if usable.any():
            ratio = float((step[usable] / right[usable]).flat[0])
            if not np.isfinite(ratio):
                return None  # inf or nan is no factor: the fact that it holds one is said elsewhere
            return 0.0 if abs(ratio) < 1e-12 else ratio
    return None


def _factor(observed, where, rtol, atol):
    ratio = _first_ratio(observed)
    if ratio is None or np.isclose(ratio, 1.0):
        return None
    for expression, value in _factors(observed, ratio):
        if not _holds(observed, lambda expected, named, old: value(named) * expected, rtol, atol):
            continue
        what = f"factor:{expression or f'{ratio:.6g}'}"
        if np.isclose(ratio, -1.0):
            return (f"returned {where} with the opposite sign on every input checked: check + against − in your "
                    f"formula.", what)
        if expression:
            return (f"returned {where} multiplied by {expression} (= {ratio:.6g}) on every input checked: there is a "
                    f"factor {expression} too many, or its inverse is missing.", what)
        return (f"returned {where} {ratio:.6g} times the right value on every input checked: the formula has the "
                f"right shape but a constant factor is wrong (a missing or extra coefficient).", what)
    return None


def _offset(observed, where, rtol, atol):
    actual, expected, first, _ = observed[0]
    shift = float((actual - expected).flat[0])
    if shift == 0 or not np.isfinite(shift):
        return None
    options = [(f"−{expression}" if sign < 0 else expression,
                lambda named, expression=expression, sign=sign: sign * dict(_candidates(named))[expression])
               for expression, value in _candidates(first) for sign in (1.0, -1.0)
               if np.isfinite(value) and np.isclose(sign * value, shift, rtol=1e-6)]
    for expression, value in options + [(None, lambda named: shift)]:
        if _holds(observed, lambda expected, named, old: expected + value(named), rtol, atol):
            named = f" (= {expression})" if expression else ""
            return (f"returned {where} off by the same amount {format_pair(shift, 0.0)[0]}{named} on every input "
                    f"checked: a term is added outside the expression it belongs to (check the parentheses), or "
                    f"left out.", f"offset:{expression or f'{shift:.6g}'}")
    return None


STATE_ENTRY = re.compile(r'^(\w+)\["(\w+)"\]$')


def _step_factor(observed, where, rtol, atol):
    """An update ``new = w·old + term`` whose term is a constant multiple of the right term, on every case.

    ``w`` is 1 for a parameter step (W − α·...) and a β argument for a running average
    (v = β·v + ...): the learner kept that part right and scaled (or flipped) the rest.
    """
    if any(not isinstance(old, np.ndarray) or old.shape != actual.shape for actual, _, _, old in observed):
        return None
    weights = [("", lambda named: 1.0)] + [
        (name, lambda named, name=name: float(named[name])) for name in observed[0][2]
        if name.startswith("beta") and isinstance(observed[0][2][name], (int, float, np.floating))]
    for weight_name, weight in weights:
        ratio = _first_ratio(observed, weight)
        if ratio is None or np.isclose(ratio, 1.0):
            continue
        for expression, value in _factors(observed, ratio):
            if not _holds(observed, lambda expected, named, old: weight(named) * old + value(named) * (
                    expected - weight(named) * old), rtol, atol):
                continue
            term = f"the step of {where}" if not weight_name else f"the new term of {where} (after {weight_name}·{where})"
            what = f"step_factor:{weight_name or 1}:{expression or f'{ratio:.6g}'}"
            if ratio == 0.0 and not weight_name:
                return (f"returned {where} as it was given, not updated, on every input checked: return the updated "
                        f"value.", "unchanged")
            if np.isclose(ratio, -1.0):
                return (f"gave {term} the opposite sign on every input checked: check + against − (and the sign "
                        f"convention of the formula).", what)
            factor = f"{expression} (= {ratio:.6g})" if expression else f"{ratio:.6g}"
            return (f"multiplied {term} by {factor} on every input checked: a factor {expression or 'of that size'} "
                    f"is too many, or its inverse is missing.", what)
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
        with np.errstate(divide="ignore", invalid="ignore"):
            pairs += [(f"1/{name}", np.divide(1, x)), (f"1/(1 − {name})", np.divide(1, 1 - x)),
                      (f"{name}/(1 − {name})", np.divide(x, 1 - x)), (f"(1 − {name})/{name}", np.divide(1 - x, x))]
    return pairs


# --- what is known and true, when nothing reproduces the results ----------------------------------


def describe_spread(outcomes, cases, fn, names, rtol=1e-6, atol=1e-9):
    """What is known and true about wrong results, across all the cases, in a sentence or three; or None.

    Which returned quantities differ and which are right (``v["dW2"] differs; the first layer and
    every b are right``), on how many inputs the result is right, what the first wrong entry is on
    every input (``v[0] is 0 on every input checked``), and whether it holds nan or inf.
    """
    single = names[0] if len(names) == 1 else "the result"
    tuple_names = names if len(names) > 1 else None
    checked = [(outcome, case) for outcome, case in zip(outcomes, cases) if not isinstance(outcome, Raised)]
    if len(checked) < 2:
        return None
    pairs = [leaf_pairs(outcome, case["expected"], single, tuple_names) for outcome, case in checked]
    verdicts = [{where: first_difference(actual, expected, where, rtol, atol) is None
                 for where, (actual, expected) in case_pairs.items()} for case_pairs in pairs]
    places = list(dict.fromkeys(where for verdict in verdicts for where in verdict))
    wrong = [where for where in places if any(not verdict[where] for verdict in verdicts if where in verdict)]
    right = [where for where in places if where not in wrong]
    sentences = [_keyed_summary(wrong, right, tuple_names) if len(places) > 1 else _right_prefix(pairs, rtol, atol),
                 len(places) == 1 and _confusions(pairs) or _right_inputs(verdicts, checked, fn),
                 _first_entry(wrong[0], pairs, checked, fn, rtol, atol) if wrong else None,
                 _not_finite(wrong, pairs)]
    return " ".join(sentence for sentence in sentences if sentence) or None


def _right_prefix(pairs, rtol, atol):
    """``v[0 … 2] are right on every input checked`` for a series whose first values are right everywhere."""
    firsts = []
    for case_pairs in pairs:
        [(where, (actual, expected))] = case_pairs.items()
        try:
            actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        except (TypeError, ValueError):
            return None
        if actual.shape != expected.shape or actual.ndim != 1:
            return None
        wrong = np.flatnonzero(~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))
        if wrong.size:
            firsts.append(int(wrong[0]))
    right = min(firsts, default=0)
    if right == 0:
        return None
    span = f"{where}[0]" if right == 1 else f"{where}[0 … {right - 1}]"
    return f"On every input checked, {span} {'is' if right == 1 else 'are'} right; {where}[{right}] is the first to differ."


def _confusions(pairs):
    """For a result that is one word (a kind of critical point): which word came back where another belongs."""
    [(where, (first, expected))] = pairs[0].items()
    if not isinstance(expected, str):
        return None
    mixed = {}
    for case_pairs in pairs:
        actual, expected = case_pairs[where]
        if actual != expected:
            mixed[(short_repr(actual, 20), expected)] = mixed.get((short_repr(actual, 20), expected), 0) + 1
    said = "; ".join(f"{got} where {wanted!r} belongs on {count} input{'s' if count > 1 else ''}"
                     for (got, wanted), count in sorted(mixed.items(), key=lambda item: -item[1]))
    return f"Of the {len(pairs)} inputs checked, it returned {said}; it is right on the {len(pairs) - sum(mixed.values())} others."


def _right_inputs(verdicts, checked, fn):
    right = [case for verdict, (_, case) in zip(verdicts, checked) if all(verdict.values())]
    if not right:
        return None
    return (f"It is right on {len(right)} of the {len(checked)} inputs checked, e.g. for "
            f"{_brief_call(fn, right[0]['args'], right[0]['kwargs'])}.")


def _brief_call(fn, args, kwargs):
    """The arguments of a call in one short line: numbers, small arrays, and the layers of a network."""
    parts = []
    for name, value in bound_arguments(fn, args, kwargs).items():
        if isinstance(value, dict) and name == "parameters":
            layers = len(value) // 2
            parts.append(f"{layers} layer{'s' if layers != 1 else ''}")
        elif not isinstance(value, dict):
            parts.append(f"{name}={_describe(value)}")
    return "(" + ", ".join(parts) + ")"


def _first_entry(where, pairs, checked, fn, rtol, atol):
    """``v[0] is 0 on every input checked``, or ``... equals theta[0] ...``: what the first wrong entry follows."""
    values, inputs = [], []
    index = None
    for case_pairs, (_, case) in zip(pairs, checked):
        actual, expected = case_pairs.get(where, (None, None))
        try:
            actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        except (TypeError, ValueError):
            return None
        if actual.shape != expected.shape:
            return None
        if index is None:
            wrong = ~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
            if not wrong.any():
                continue
            index = tuple(np.argwhere(wrong)[0])
        if len(index) != actual.ndim or any(i >= n for i, n in zip(index, actual.shape)):
            return None
        values.append((actual[index], expected[index]))
        inputs.append(bound_arguments(fn, case["args"], case["kwargs"]))
    if index is None or len(values) < 2:
        return None
    entry = f"{where}[{', '.join(map(str, index))}]" if index else where
    got = np.array([value for value, _ in values])
    if np.allclose(got, got[0], rtol=rtol, atol=atol, equal_nan=True) and not np.allclose(
            [wanted for _, wanted in values], values[0][1], rtol=rtol, atol=atol):
        return f"On every input checked, {entry} is {format_pair(got[0], values[0][1])[0]}, whatever the inputs."
    for name in inputs[0]:
        found = [_entry_of(named.get(name), index, got.shape[1:] if got.ndim > 1 else ()) for named in inputs]
        if all(value is not None for value in found) and np.allclose(got, found, rtol=rtol, atol=atol):
            return f"On every input checked, {entry} equals {name}{'[' + ', '.join(map(str, index)) + ']' if index else ''}."
    return None


def _entry_of(value, index, shape):
    """``value[index]`` as a float when ``value`` is an array that has it (or a number, for index ()), else None."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None
    if not index:
        return float(value) if isinstance(value, (int, float, np.number)) else None
    if isinstance(value, np.ndarray) and value.ndim == len(index) and all(i < n for i, n in zip(index, value.shape)):
        return float(value[index])
    return None


def _not_finite(wrong, pairs):
    for case_pairs in pairs:
        for where in wrong:
            actual, expected = case_pairs.get(where, (None, None))
            try:
                bad = ~np.isfinite(np.asarray(actual, dtype=float)) & np.isfinite(np.asarray(expected, dtype=float))
            except (TypeError, ValueError):
                continue
            if np.shape(bad) and bad.any() or not np.shape(bad) and bad:
                return (f"There is nan or inf in {where} where a finite number belongs: something was divided by zero "
                        f"(e.g. 1 − β^0 = 0 when a step counter starts at 0, or t − 1 at t = 1) or took the square "
                        f"root or log of a negative number.")
    return None


KEYED = re.compile(r'^(?P<item>.+)\["d?(?P<kind>[Wb])(?P<layer>\d+)"\]$')


def _keyed_summary(wrong, right, items):
    """``v["dW2"] differs; the first layer and every b are right, and s is right`` for dict-keyed results."""
    parsed = {where: KEYED.match(where) for where in wrong + right}
    if not all(parsed.values()):
        return None
    if not right:
        whole = list(dict.fromkeys(parsed[where].group("item") for where in wrong))
        return f"Every entry of {' and '.join(whole)} is wrong on some input checked."
    shown = _listed(wrong)
    parts = []
    whole_items = [item for item in (items or []) if any(parsed[w].group("item") == item for w in right)
                   and not any(parsed[w].group("item") == item for w in wrong)]
    layers = sorted({int(parsed[w].group("layer")) for w in wrong + right})
    right_layers = [layer for layer in layers if not any(int(parsed[w].group("layer")) == layer for w in wrong)]
    if right_layers and len(right_layers) < len(layers):
        parts.append("the first layer" if right_layers == [1] else
                     f"layer{'s' if len(right_layers) > 1 else ''} {_listed([str(n) for n in right_layers], 9)}")
    for kind in ("b", "W"):
        if not any(parsed[w].group("kind") == kind for w in wrong) and any(parsed[w].group("kind") == kind for w in right):
            parts.append(f"every {kind}")
    rights = _listed(parts + whole_items, 9) if parts + whole_items else ""
    return f"Wrong on some input checked: {shown}" + (f"; right on all of them: {rights}." if rights else ".")


def _listed(places, shown=3):
    """``a, b and c`` or ``a, b, c and 4 more``."""
    if len(places) == 1:
        return places[0]
    if len(places) <= shown:
        return ", ".join(places[:-1]) + " and " + places[-1]
    return ", ".join(places[:shown]) + f" and {len(places) - shown} more"


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


def bound_arguments(fn, args, kwargs):
    """``{name: value}`` of a call, defaults included (``learning_rate=0.01`` when not passed)."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return dict(zip(argument_names(fn), args), **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


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
