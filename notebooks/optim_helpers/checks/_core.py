"""The machinery behind ``check(fn)``.

Every exercise has a fixture file ``fixtures/<exercise>.json`` (made by ``python -m
solutions.fixtures``): its probe inputs, the expected output of each, and the candidate
mistakes: each a sentence and, per probe, a fingerprint of what that mistake returns
(:mod:`._engine`). The default check runs every probe and, when a result is wrong, says a
cause only once something reproduces the learner's outputs on every probe: a candidate
mistake (registered ones first, then those generated from the reference), or one of the
descriptions of :mod:`._diagnose` (a factor, a rounding, ...). Otherwise it says what is
known and true: where the first result differs and which parts are right. A topic module
adds, with ``@exercise(name)``, the checks of properties that stored numbers cannot express.
"""

import copy
import json
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optim_helpers import codec
from optim_helpers.checks import _diagnose as diagnose
from optim_helpers.checks import _engine as engine
from optim_helpers.compare import first_difference, short_repr

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

    Attributes
    ----------
    cause : str or None
        What the message names, when something reproduced the learner's outputs on every probe:
        ``"registry:<id>"``, ``"generated:<id>"`` or ``"described:<what>"`` (``"described:factor:beta"``);
        ``"behaviour:<id>"`` for a modified input or the global RNG; None otherwise.
    kind : str
        ``"named"`` (a cause, or a fact about the result's form that says what to fix),
        ``"truthful"`` (where it differs and which parts are right) or ``"generic"``.
    """

    cause = None
    kind = "named"

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
    """The fixture of exercise ``name``.

    ``{"returns", "mistakes": {id: sentence}, "generated": {id: sentence}, "candidates": [id, ...],
    "cases": [...]}``: the registered and the generated mistakes, the order check() tries them in,
    and per probe ``args``, ``kwargs``, ``expected`` and ``prints`` (each candidate's fingerprint).
    """
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    for case in fixture["cases"]:
        case["args"] = codec.loads(json.dumps(case["args"]))
        case["kwargs"] = codec.loads(json.dumps(case["kwargs"]))
        case["expected"] = codec.loads(json.dumps(case["expected"]))
    return fixture


def load_cases(name):
    """The stored cases of exercise ``name``."""
    return load_fixture(name)["cases"]


def candidate_table(fixture, cases):
    """``[(id, [fingerprint per case]), ...]``: the registered mistakes, then the generated ones."""
    return [(mistake_id, [case["prints"][index] for case in cases])
            for index, mistake_id in enumerate(fixture["candidates"])]


def mistake_message(name, mistake_id):
    """The sentence ``check`` uses for a known (registered or generated) mistake of exercise ``name``."""
    if mistake_id in BEHAVIOUR_MISTAKES:
        return BEHAVIOUR_MISTAKES[mistake_id]
    fixture = load_fixture(name)
    return fixture["mistakes"].get(mistake_id) or fixture["generated"][mistake_id]


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
        raise _again(mistake) from mistake.__cause__
    print(f"✔ {name}: all {runner.passed} checks passed.")


def _again(mistake):
    """A new Mistake of the same class, message, cause and kind."""
    again = type(mistake)(str(mistake))
    again.cause, again.kind = mistake.cause, mistake.kind
    return again


class Runner:
    """Calls the learner's function and turns every way it can go wrong into a :class:`Mistake`."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name
        self.passed = 0
        self.fixture = load_fixture(name)

    def fail(self, sentence, error=None, cause=None, kind="named", exception=Mistake):
        mistake = exception(f"{self.name} {sentence}")
        mistake.cause, mistake.kind = cause, kind
        raise mistake from error

    def fail_with(self, mistake_id, detail=""):
        """Fail with the sentence of the known mistake ``mistake_id``, plus ``detail``."""
        if mistake_id in self.fixture["mistakes"]:
            self.fail(self.fixture["mistakes"][mistake_id] + detail, cause=f"registry:{mistake_id}")
        self.fail(self.fixture["generated"][mistake_id] + detail, cause=f"generated:{mistake_id}")

    def call(self, *args, **kwargs):
        """Call the function, watching its inputs for changes and the global RNG for use."""
        outcome = self._outcome(args, kwargs)
        if isinstance(outcome, Failure):
            self._fail_raised(outcome)
        self.passed += 1
        return outcome

    def _outcome(self, args, kwargs):
        """The result of one call, or a :class:`Failure` holding what it raised. A modified input or
        the global RNG fails at once: that is the mistake, whatever the values."""
        originals = copy.deepcopy((args, kwargs))
        rng_before = np.random.get_state()
        try:
            result = self.fn(*args, **kwargs)
        except NotImplementedError:
            self.fail("is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:
            return Failure(type(error).__name__, error, args, kwargs)
        changed = _changed_argument(self.fn, originals, (args, kwargs))
        if changed is not None:
            self.fail(BEHAVIOUR_MISTAKES["mutates_input"].format(argument=changed), cause="behaviour:mutates_input")
        if not _same_rng_state(rng_before, np.random.get_state()):
            self.fail(BEHAVIOUR_MISTAKES["global_rng"], cause="behaviour:global_rng")
        return result

    def _fail_raised(self, failure):
        """Fail with the learner's exception, explained when its message says why."""
        error = failure.error
        explained = diagnose.explain_exception(error, self.fn, failure.args, failure.kwargs)
        self.fail(
            f"raised {type(error).__name__}: {error}\n  {explained or ''}"
            f"{'' if explained else 'The traceback above shows the line of your code where it happened.'}"
            f"\n  Called with {diagnose.describe_call(self.fn, failure.args, failure.kwargs)}.",
            error, cause=None, kind="named" if explained else "generic",
        )

    def expect_all(self, rtol=1e-6, atol=1e-9):
        """Run every stored case of this exercise."""
        self.expect_cases(self.fixture["cases"], rtol, atol)

    def expect_cases(self, cases, rtol=1e-6, atol=1e-9):
        """Run every case; on a wrong result, name only what reproduces the learner's outputs on every case.

        One case alone can be ambiguous (with a single value, several mistakes give the same wrong
        number), so a mistake is named only when it gives the learner's result on every case: the
        wrong ones and the right ones. Then a description (:func:`diagnose.reproduced_description`)
        that holds on every case; then the learner's exception; then what is known and true.
        """
        names = self.fixture.get("returns")
        outcomes = [self._outcome(case["args"], case["kwargs"]) for case in cases]
        differences = [None if isinstance(outcome, Failure) else
                       first_difference(outcome, case["expected"], names[0] if len(names) == 1 else "the result",
                                        rtol, atol, names if len(names) > 1 else None)
                       for outcome, case in zip(outcomes, cases)]
        failing = [index for index, (outcome, difference) in enumerate(zip(outcomes, differences))
                   if isinstance(outcome, Failure) or difference is not None]
        if not failing:
            self.passed += len(cases)
            return
        self._name_a_reproduced_mistake(outcomes, cases, rtol, atol)
        raised = [outcomes[index] for index in failing if isinstance(outcomes[index], Failure)]
        if raised:
            self._fail_raised(raised[0])
        first = failing[0]
        difference, case = differences[first], cases[first]
        described = diagnose.describe_call(self.fn, case["args"], case["kwargs"])
        if difference.explained:
            self.fail(f"returned a value of the wrong form: {difference.sentence}.\n  Called with {described}.")
        cause = diagnose.reproduced_description(outcomes, cases, self.fn, names, rtol, atol)
        if cause:
            sentence, what = cause
            self.fail(f"{sentence}\n  ({difference.sentence},\n  for {described}.)", cause=f"described:{what}")
        spread = diagnose.describe_spread(outcomes, cases, self.fn, names, rtol, atol)
        self.fail(f"returned a wrong value: {difference.sentence}\n  for {described}."
                  + (f"\n  {spread}" if spread else ""), kind="truthful" if spread else "generic",
                  exception=WrongValue)

    def _name_a_reproduced_mistake(self, outcomes, cases, rtol, atol):
        """Fail with the first candidate mistake whose fingerprints match the learner on every case."""
        probes = [engine.Probe.of(outcome, case["expected"], rtol, atol) for outcome, case in zip(outcomes, cases)]
        for mistake_id in engine.reproduced(probes, candidate_table(self.fixture, cases)):
            if diagnose.plausible(mistake_id, self.fn, cases):
                self.fail_with(mistake_id)

    def require(self, condition, sentence, kind="named"):
        """A property check: fail with ``sentence`` unless ``condition`` holds."""
        if not condition:
            self.fail(sentence, kind=kind)
        self.passed += 1


@dataclass(frozen=True, eq=False)
class Failure(engine.Raised):
    """A call of the learner's function that raised: the exception's class name, the exception, the inputs."""

    error: BaseException = None
    args: tuple = ()
    kwargs: dict = None


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
