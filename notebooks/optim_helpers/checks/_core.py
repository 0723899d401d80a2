"""The machinery behind ``check(fn)``.

A topic module (``ewa.py``, ``momentum.py``, ...) registers one checker per
exercise with ``@exercise(name, mistakes)``. The checker receives a
:class:`Runner`, which calls the learner's function safely and, when a result is
wrong, names the mistake: the stored fixtures hold, for each input, the correct
output and the output each known mistake produces.
"""

import copy
import inspect
import json
from pathlib import Path

import numpy as np

from optim_helpers import codec

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Mistakes any exercise can make; detected from behaviour, not from values.
BEHAVIOUR_MISTAKES = {
    "mutates_input": "modified its input {argument} in place. Build new arrays and dicts "
    "(W = W - ..., not W -= ...) and return them, so the caller's values stay untouched.",
    "global_rng": "used or reseeded the global NumPy RNG (np.random.seed, np.random.rand, "
    "np.random.permutation, ...). Use rng = np.random.default_rng(seed) and draw from rng.",
}

REGISTRY = {}
MISTAKES = {}


class Mistake(AssertionError):
    """A check failed; the message says what is wrong in the learner's terms."""


class WrongValue(Mistake):
    """A result differs from the stored one and no known mistake explains it.

    Checkers catch it to add advice of their own (e.g. how to draw random numbers).
    """


def exercise(name, mistakes):
    """Register ``checker(runner) -> None`` as the checks of exercise ``name``.

    ``mistakes`` maps a mistake id (as used in the fixtures) to the sentence that
    explains it; the sentence follows the function's name in the message.
    """

    def register(checker):
        REGISTRY[name] = checker
        MISTAKES[name] = dict(mistakes)
        return checker

    return register


def mistake_message(name, mistake_id):
    """The sentence ``check`` uses for a known mistake of exercise ``name``."""
    if mistake_id in MISTAKES.get(name, {}):
        return MISTAKES[name][mistake_id]
    return BEHAVIOUR_MISTAKES[mistake_id]


def check(fn, name=None):
    """Check an exercise function and print one line if it passes.

    Parameters
    ----------
    fn : callable
        Your function, e.g. ``check(ewa)`` (the function itself, no parentheses).
    name : str, optional
        Exercise name, when it differs from ``fn.__name__``.

    Raises
    ------
    AssertionError
        With a message that names the mistake.
    """
    if not callable(fn):
        raise TypeError(
            f"check() needs your function itself, e.g. check(ewa) without parentheses; "
            f"it got {type(fn).__name__} {_short_repr(fn)}."
        )
    name = name or getattr(fn, "__name__", "")
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ValueError(
            f"check() has no checks for a function named {name!r}. "
            f"Keep the name the exercise gives; known exercises: {known}."
        )
    __tracebackhide__ = True  # IPython and pytest show the learner's cell, not check()'s insides
    runner = Runner(fn, name)
    try:
        REGISTRY[name](runner)
    except Mistake as mistake:
        # Re-raised from here so the traceback is one frame; the learner's own exception, if any, stays chained.
        raise type(mistake)(str(mistake)) from mistake.__cause__
    print(f"✔ {name}: all {runner.passed} checks passed.")


def load_cases(name):
    """The stored cases of exercise ``name``: dicts with args, kwargs, expected, mistakes."""
    for path in sorted(FIXTURES.glob("*.json")):
        cases = json.loads(path.read_text())
        if name in cases:
            return [codec.loads(json.dumps(case)) for case in cases[name]]
    raise FileNotFoundError(f"no fixtures for {name!r} in {FIXTURES}")


class Runner:
    """Calls the learner's function and turns every way it can go wrong into a :class:`Mistake`."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name
        self.passed = 0

    def fail(self, sentence, cause=None):
        raise Mistake(f"{self.name} {sentence}") from cause

    def call(self, *args, **kwargs):
        """Call the function, watching its inputs for changes and the global RNG for use."""
        originals = copy.deepcopy((args, kwargs))
        rng_before = np.random.get_state()
        try:
            result = self.fn(*args, **kwargs)
        except NotImplementedError:
            self.fail("is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:
            self.fail(
                f"raised {type(error).__name__}: {error}\n  when called with {describe_call(args, kwargs)}. "
                "The traceback above shows the line of your code where it happened.",
                error,
            )
        changed = _changed_argument(self.fn, originals, (args, kwargs))
        if changed is not None:
            self.fail(mistake_message(self.name, "mutates_input").format(argument=changed))
        if not _same_rng_state(rng_before, np.random.get_state()):
            self.fail(mistake_message(self.name, "global_rng"))
        self.passed += 1
        return result

    def expect(self, case, rtol=1e-6, atol=1e-9):
        """Call with one stored case and compare with its expected output, naming a known mistake."""
        self.expect_cases([case], rtol, atol)

    def expect_all(self, rtol=1e-6, atol=1e-9):
        """Run every stored case of this exercise."""
        self.expect_cases(load_cases(self.name), rtol, atol)

    def expect_cases(self, cases, rtol=1e-6, atol=1e-9):
        """Compare every case; on failure, name the mistake that explains all the failing cases.

        One case alone can be ambiguous (with a single value, several mistakes give the
        same wrong number), so the diagnosis intersects what each failing case allows.
        """
        first_failure, suspects = None, None
        for case in cases:
            result = self.call(*case["args"], **case["kwargs"])
            difference = explain_difference(result, case["expected"], "the result", rtol, atol)
            if difference is None:
                self.passed += 1
                continue
            matching = [
                mistake_id
                for mistake_id, wrong_output in case["mistakes"].items()
                if explain_difference(result, wrong_output, "", rtol, atol) is None
            ]
            suspects = matching if suspects is None else [m for m in suspects if m in matching]
            first_failure = first_failure or (difference, case)
        if first_failure is None:
            return
        if suspects:
            self.fail(mistake_message(self.name, suspects[0]))
        difference, case = first_failure
        raise WrongValue(
            f"{self.name} returned a wrong value: {difference}\n  for {describe_call(case['args'], case['kwargs'])}."
        )

    def require(self, condition, sentence):
        """A property check: fail with ``sentence`` unless ``condition`` holds."""
        if not condition:
            self.fail(sentence)
        self.passed += 1


def explain_difference(actual, expected, where, rtol=1e-6, atol=1e-9):
    """None if ``actual`` matches ``expected``, else a sentence about the first difference."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where} should be a dict, got {type(actual).__name__}"
        if set(actual) != set(expected):
            return f"{where} should have the keys {sorted(expected)}, got {sorted(map(str, actual))}"
        for key in expected:
            difference = explain_difference(actual[key], expected[key], f"{where}[{key!r}]", rtol, atol)
            if difference:
                return difference
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return f"{where} should be a {type(expected).__name__} of {len(expected)} items, got {type(actual).__name__}"
        if len(actual) != len(expected):
            return f"{where} should have {len(expected)} items, got {len(actual)}"
        for index, (a, e) in enumerate(zip(actual, expected)):
            difference = explain_difference(a, e, f"{where}[{index}]", rtol, atol)
            if difference:
                return difference
        return None
    if isinstance(expected, str):
        return None if actual == expected else f"{where} should be {expected!r}, got {_short_repr(actual)}"
    return _explain_numeric_difference(actual, expected, where, rtol, atol)


def _explain_numeric_difference(actual, expected, where, rtol, atol):
    expected = np.asarray(expected, dtype=float)
    if isinstance(actual, (str, bytes, dict)) or actual is None:
        return f"{where} should be a number or array, got {_short_repr(actual)}"
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return f"{where} should be a number or array, got {type(actual).__name__}"
    if actual.shape != expected.shape:
        return f"{where} should have shape {expected.shape}, got shape {actual.shape}"
    if np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    mismatch = np.argwhere(~np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))[0]
    index = tuple(int(i) for i in mismatch)
    position = f"{where}[{', '.join(map(str, index))}]" if index else where
    return f"{position} is {actual[index]:.6g}, expected {expected[index]:.6g}"


def describe_call(args, kwargs):
    """A short, readable description of a call's arguments."""
    parts = [_describe(value) for value in args]
    parts += [f"{key}={_describe(value)}" for key, value in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _describe(value):
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=4, separator=", ")
        return f"<array of shape {value.shape}>"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_describe(item)}" for key, item in value.items()) + "}"
    return _short_repr(value)


def _short_repr(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _changed_argument(fn, originals, current):
    """Name of the first argument the call modified, or None."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    (old_args, old_kwargs), (new_args, new_kwargs) = originals, current
    for position, (old, new) in enumerate(zip(old_args, new_args)):
        if not _identical(old, new):
            return names[position] if position < len(names) else f"number {position + 1}"
    for key in old_kwargs:
        if not _identical(old_kwargs[key], new_kwargs[key]):
            return key
    return None


def _identical(old, new):
    if isinstance(old, dict):
        return isinstance(new, dict) and old.keys() == new.keys() and all(_identical(old[k], new[k]) for k in old)
    if isinstance(old, (list, tuple)):
        return len(old) == len(new) and all(_identical(a, b) for a, b in zip(old, new))
    if isinstance(old, np.ndarray):
        return isinstance(new, np.ndarray) and old.shape == new.shape and np.array_equal(old, new, equal_nan=True)
    return old == new


def _same_rng_state(before, after):
    return before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
