"""How well check() names mistakes: each wrong function sorted into named, truthful, generic or misleading.

A cause check() states was reproduced on its probe inputs; :func:`confirm` runs it again on fresh
inputs drawn by the exercise's case builder (other sizes, other numbers), where a cause that only
happened to fit the probes shows itself. ``python benchmarks/bench.py --mistakes-only`` prints the
counts for tests/heldout_mistakes.py and for random pairs of edits (:func:`double_edits`), mistakes
that are none of check()'s candidates; tests/test_heldout.py asserts that none is misleading.
"""

import contextlib
import copy
import io
import time
from dataclasses import dataclass

import numpy as np

import solutions
from optim_helpers.checks import check
from optim_helpers.checks import _diagnose as diagnose
from optim_helpers.checks import _engine as engine
from optim_helpers.checks._core import load_fixture
from optim_helpers.compare import explain_difference
from solutions import mutants
from solutions.cases import CASES, MISTAKES

FRESH_SEEDS = (101, 202, 303)
CATEGORIES = ("named", "truthful", "generic", "misleading", "accepted")


@dataclass
class Measured:
    """What check() said about one function, and what that was worth.

    ``category`` is one of :data:`CATEGORIES`: named (a cause confirmed on fresh inputs, or a fact
    about the form of the result that says what to fix), truthful (where it differs and which parts
    are right), generic (only where it first differs), misleading (a cause fresh inputs contradict),
    accepted (check() passed a wrong function).
    """

    label: str
    exercise: str
    category: str
    cause: str
    message: str
    seconds: float


def measure(fn, label=None):
    """Run check(fn) and sort what it said."""
    name = fn.__name__
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(fn)
    except AssertionError as failure:
        seconds = time.perf_counter() - started
        cause, kind = getattr(failure, "cause", None), getattr(failure, "kind", "generic")
        if cause and not confirm(name, fn, cause):
            category = "misleading"
        else:
            category = kind
        return Measured(label or fn.__name__, name, category, cause or "", str(failure), seconds)
    return Measured(label or fn.__name__, name, "accepted", "", "", time.perf_counter() - started)


def time_check(fn):
    """Seconds of one check(fn) call, whatever it says."""
    started = time.perf_counter()
    with contextlib.suppress(AssertionError), contextlib.redirect_stdout(io.StringIO()):
        check(fn)
    return time.perf_counter() - started


def fresh_cases(name, seeds=FRESH_SEEDS):
    """``[(args, kwargs, expected), ...]`` drawn by the case builder of ``name`` from each seed."""
    reference = getattr(solutions, name)
    cases = []
    for seed in seeds:
        for args, kwargs in CASES[name](np.random.default_rng(seed)):
            cases.append((args, kwargs, reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))))
    return cases


def confirm(name, fn, cause, seeds=FRESH_SEEDS):
    """Whether the cause check() named for ``fn`` still describes it on inputs drawn from ``seeds``."""
    source, _, what = cause.partition(":")
    if source == "behaviour":
        return True  # seen happen: an input changed, or the global RNG moved
    cases = fresh_cases(name, seeds)
    if source == "described":
        outcomes = [_outcome(fn, args, kwargs) for args, kwargs, _ in cases]
        stored = [{"args": args, "kwargs": kwargs, "expected": expected} for args, kwargs, expected in cases]
        found = diagnose.reproduced_description(outcomes, stored, fn, load_fixture(name)["returns"])
        return found is not None and found[1] == what
    candidate = MISTAKES[name][what] if source == "registry" else next(
        mutant.fn for mutant in mutants.mutants(name) if mutant.id == what)
    return all(_same(_outcome(fn, args, kwargs), _outcome(candidate, args, kwargs)) for args, kwargs, _ in cases)


def _outcome(fn, args, kwargs):
    with np.errstate(all="ignore"):
        try:
            return fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception as error:  # noqa: BLE001 - a wrong function may raise anything
            return engine.Raised(type(error).__name__)


def _same(first, second):
    if isinstance(first, engine.Raised) or isinstance(second, engine.Raised):
        return first == second
    return explain_difference(first, second, "") is None


def counts(results):
    """``{category: count}`` over :data:`CATEGORIES`."""
    return {category: sum(result.category == category for result in results) for category in CATEGORIES}


def percentile(values, q):
    return float(np.percentile(values, q)) if values else 0.0


def double_edits(seed, per_exercise):
    """``[(label, fn), ...]``: wrong functions nobody wrote, ``per_exercise`` per exercise, each the
    reference with two random single edits of solutions/mutants.py at once (so not one of the candidate
    mistakes check() knows), keeping only those that are wrong on fresh inputs and run within the limits."""
    rng = np.random.default_rng(seed)
    found = []
    for name in sorted(CASES):
        unit_list = mutants.units(name)
        edits = [edit for unit in unit_list for edit in mutants.single_edits(unit, mutants.kinds(name))]
        fresh = fresh_cases(name, seeds=FRESH_SEEDS[:1])
        kept = 0
        for _ in range(per_exercise * 20):
            if kept == per_exercise:
                break
            first, second = (edits[i] for i in rng.choice(len(edits), size=2, replace=False))
            if first.unit is second.unit and _nested(first.path, second.path):
                continue
            trees = {}
            for edit in (first, second):
                trees[edit.unit.name] = mutants.replaced(trees.get(edit.unit.name, edit.unit.tree), edit.path, edit.new)
            fn = mutants.compile_units(unit_list, trees)
            results = mutants.outcomes(fn, fresh)
            if results is None or all(_same(result, expected) for result, (_, _, expected) in zip(results, fresh)):
                continue
            kept += 1
            found.append((f"{name}: {first.phrase} + {second.phrase}", fn))
    return found


def _nested(first, second):
    return first[:len(second)] == second or second[:len(first)] == first
