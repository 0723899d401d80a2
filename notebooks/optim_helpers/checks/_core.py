"""The machinery behind ``check(fn)``.

Every exercise has a fixture file ``fixtures/<exercise>.json`` (made by ``python -m
solutions.fixtures``): its inputs, the expected output of each, the sentence of each known
mistake and the output that mistake produces. The default check runs every stored case and
names the known mistake that explains the wrong results. When none does, :mod:`.diagnose`
looks for a cause in the shape of the difference. A topic module adds, with
``@exercise(name)``, the checks of properties that stored numbers cannot express.
"""

import copy
import inspect
import json
import traceback
from pathlib import Path

import numpy as np

from optim_helpers import codec
from optim_helpers.checks import _diagnose as diagnose
from optim_helpers.compare import explain_difference, first_difference, short_repr  # noqa: F401 (explain_difference: re-export for the grader)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Mistakes any exercise can make; detected from behaviour, not from values.
BEHAVIOUR_MISTAKES = {
    "mutates_input": "modified its input {argument} in place. Build new arrays and dicts "
    "(W = W - ..., not W -= ...) and return them, so the caller's values stay untouched.",
    "global_rng": "used or reseeded the global NumPy RNG (np.random.seed, np.random.rand, "
    "np.random.permutation, ...). Use rng = np.random.default_rng(seed) and draw from rng.",
}

PROPERTY_CHECKS = {}


class Mistake(AssertionError):
    """A check failed; the message says what is wrong in the learner's terms.

    An AssertionError, so nbgrader and pytest count it as a failure. In IPython the
    traceback shows the message alone, after the learner's own frames when their code raised.
    """

    def _render_traceback_(self):
        lines = []
        cause = self.__cause__
        if cause is not None and not isinstance(cause, Mistake):
            lines += _learner_frames(cause)
        return lines + [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class WrongValue(Mistake):
    """A result differs from the stored one and nothing explains why.

    Checkers catch it to add advice of their own (e.g. how to draw random numbers).
    """


def _learner_frames(error):
    """The traceback of ``error`` without the frames of these helpers: where the learner's code failed."""
    helpers = str(Path(__file__).resolve().parent.parent)
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith(helpers)]
    return traceback.format_list(frames) + traceback.format_exception_only(type(error), error) + [""]


def exercise(name):
    """Register ``checker(runner) -> None``: the checks of exercise ``name`` beyond its stored cases.

    The checker decides when the stored cases run (``runner.expect_all()``).
    """

    def register(checker):
        PROPERTY_CHECKS[name] = checker
        return checker

    return register


def known_exercises():
    """Names of the exercises check() knows: one fixture file each."""
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def load_fixture(name):
    """The fixture of exercise ``name``: ``{"returns", "mistakes": {id: sentence}, "cases": [...]}``.

    Each case holds ``args``, ``kwargs``, ``expected``, ``mistakes`` (id -> that mistake's output,
    where parts equal to the expected output are stored as ``{"__same__": 1}``) and ``raises``
    (id -> the exception that mistake raises on this input).
    """
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    for case in fixture["cases"]:
        case["args"] = codec.loads(json.dumps(case["args"]))
        case["kwargs"] = codec.loads(json.dumps(case["kwargs"]))
        case["expected"] = codec.loads(json.dumps(case["expected"]))
        case["mistakes"] = {
            mistake_id: _restore(codec.loads(json.dumps(output)), case["expected"])
            for mistake_id, output in case["mistakes"].items()
        }
    return fixture


def load_cases(name):
    """The stored cases of exercise ``name``."""
    return load_fixture(name)["cases"]


def _restore(value, expected):
    """Undo the fixtures' elision: a ``{"__same__": 1}`` part is the expected output's part."""
    if isinstance(value, dict) and set(value) == {"__same__"}:
        return copy.deepcopy(expected)
    if isinstance(value, dict) and isinstance(expected, dict):
        return {key: _restore(item, expected.get(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and isinstance(expected, (list, tuple)) and len(value) == len(expected):
        return type(value)(_restore(item, other) for item, other in zip(value, expected))
    return value


def mistake_message(name, mistake_id):
    """The sentence ``check`` uses for a known mistake of exercise ``name``."""
    if mistake_id in BEHAVIOUR_MISTAKES:
        return BEHAVIOUR_MISTAKES[mistake_id]
    return load_fixture(name)["mistakes"][mistake_id]


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
            f"it got {type(fn).__name__} {short_repr(fn)}."
        )
    name = name or getattr(fn, "__name__", "")
    if name not in known_exercises():
        raise ValueError(
            f"check() has no checks for a function named {name!r}. "
            f"Keep the name the exercise gives; known exercises: {', '.join(known_exercises())}."
        )
    __tracebackhide__ = True  # pytest shows the learner's cell, not check()'s insides
    runner = Runner(fn, name)
    try:
        PROPERTY_CHECKS.get(name, Runner.expect_all)(runner)
    except Mistake as mistake:
        # Re-raised from here so the traceback is one frame; the learner's own exception, if any, stays chained.
        raise type(mistake)(str(mistake)) from mistake.__cause__
    print(f"✔ {name}: all {runner.passed} checks passed.")


class Runner:
    """Calls the learner's function and turns every way it can go wrong into a :class:`Mistake`."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name
        self.passed = 0
        self.fixture = load_fixture(name)

    def fail(self, sentence, cause=None):
        raise Mistake(f"{self.name} {sentence}") from cause

    def fail_with(self, mistake_id, detail=""):
        """Fail with the sentence of the known mistake ``mistake_id``, plus ``detail``."""
        self.fail(self.fixture["mistakes"][mistake_id] + detail)

    def call(self, *args, **kwargs):
        """Call the function, watching its inputs for changes and the global RNG for use."""
        result = self._call(args, kwargs, raises={})
        self.passed += 1
        return result

    def _call(self, args, kwargs, raises):
        """Call once; ``raises`` maps known mistakes to the exception they raise on these inputs."""
        originals = copy.deepcopy((args, kwargs))
        rng_before = np.random.get_state()
        try:
            result = self.fn(*args, **kwargs)
        except NotImplementedError:
            self.fail("is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:
            known = [mistake_id for mistake_id, kind in raises.items() if kind == type(error).__name__]
            if known:
                self.fail(self.fixture["mistakes"][known[0]], error)
            explained = diagnose.explain_exception(error, self.fn, args, kwargs)
            self.fail(
                f"raised {type(error).__name__}: {error}\n  {explained or ''}"
                f"{'' if explained else 'The traceback above shows the line of your code where it happened.'}"
                f"\n  Called with {diagnose.describe_call(self.fn, args, kwargs)}.",
                error,
            )
        changed = _changed_argument(self.fn, originals, (args, kwargs))
        if changed is not None:
            self.fail(BEHAVIOUR_MISTAKES["mutates_input"].format(argument=changed))
        if not _same_rng_state(rng_before, np.random.get_state()):
            self.fail(BEHAVIOUR_MISTAKES["global_rng"])
        return result

    def expect_all(self, rtol=1e-6, atol=1e-9):
        """Run every stored case of this exercise."""
        self.expect_cases(self.fixture["cases"], rtol, atol)

    def expect_cases(self, cases, rtol=1e-6, atol=1e-9):
        """Compare every case; on failure, name the known mistake that explains every result.

        One case alone can be ambiguous (with a single value, several mistakes give the
        same wrong number), so a mistake is named only when it gives the learner's result
        on every case: the wrong ones and the right ones.
        """
        names = self.fixture.get("returns")
        results, first_failure = [], None
        for case in cases:
            result = self._call(case["args"], case["kwargs"], case.get("raises", {}))
            results.append(result)
            difference = first_difference(result, case["expected"], names[0] if len(names) == 1 else "the result",
                                          rtol, atol, names if len(names) > 1 else None)
            if difference is None:
                self.passed += 1
            else:
                first_failure = first_failure or (difference, case)
        if first_failure is None:
            return
        suspects = [
            mistake_id for mistake_id in self.fixture["mistakes"]
            if all(_made(mistake_id, result, case, rtol, atol) for result, case in zip(results, cases))
        ]
        suspects = [m for m in suspects if diagnose.plausible(m, self.fn, cases)]
        if suspects:
            self.fail_with(suspects[0])
        difference, case = first_failure
        cause = diagnose.explain_values(difference, self.fn, case["args"], case["kwargs"])
        described = diagnose.describe_call(self.fn, case["args"], case["kwargs"])
        if cause:
            self.fail(f"{cause}\n  ({difference.sentence},\n  for {described}.)")
        if difference.explained:
            self.fail(f"returned a value of the wrong form: {difference.sentence}.\n  Called with {described}.")
        raise WrongValue(f"{self.name} returned a wrong value: {difference.sentence}\n  for {described}.")

    def require(self, condition, sentence):
        """A property check: fail with ``sentence`` unless ``condition`` holds."""
        if not condition:
            self.fail(sentence)
        self.passed += 1


def _made(mistake_id, result, case, rtol, atol):
    """Whether ``result`` is what the known mistake ``mistake_id`` returns for ``case``."""
    if mistake_id in case.get("raises", {}):
        return False
    wrong_output = case["mistakes"].get(mistake_id, case["expected"])
    return explain_difference(result, wrong_output, "", rtol, atol) is None


def _changed_argument(fn, originals, current):
    """Name of the first argument the call modified, or None."""
    names = diagnose.argument_names(fn)
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
