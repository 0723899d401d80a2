"""Build the check() fixtures: ``python -m solutions.fixtures``.

For every exercise with cases, store the inputs, the reference output and the
output of each known mistake in ``notebooks/optim_helpers/fixtures/<topic>.json``.
The learner's helpers then compare against numbers, never against code, so no
answer ships with the released notebooks. tests/test_fixtures.py fails when the
stored files are out of date.
"""

import copy
import json
import sys
from pathlib import Path

import numpy as np

import solutions

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))  # optim_helpers lives beside the notebooks

from optim_helpers import codec  # noqa: E402
from optim_helpers.checks._core import explain_difference  # noqa: E402
from solutions.cases import CASES, MISTAKES, topic_of  # noqa: E402

FIXTURES = NOTEBOOKS / "optim_helpers" / "fixtures"
SEED = 20261128


def build_case(name, args, kwargs):
    """One stored case: inputs, the reference output and each distinguishable mistake's output."""
    expected = getattr(solutions, name)(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    wrong_outputs = {}
    for mistake_id, wrong in MISTAKES.get(name, {}).items():
        try:
            output = wrong(*copy.deepcopy(args), **copy.deepcopy(kwargs))
            codec.dumps(output)
        except Exception:
            continue
        if explain_difference(output, expected, "") is not None:
            wrong_outputs[mistake_id] = output
    case = {"args": list(args), "kwargs": kwargs, "expected": expected, "mistakes": wrong_outputs}
    return json.loads(codec.dumps(case))


def build_all():
    """``{topic: {exercise: [case, ...]}}`` for every registered exercise."""
    topics = {}
    for name, builder in CASES.items():
        rng = np.random.default_rng([SEED, sorted(CASES).index(name)])
        cases = [build_case(name, args, kwargs) for args, kwargs in builder(rng)]
        topics.setdefault(topic_of(name), {})[name] = cases
    return topics


def render(topic_cases):
    return json.dumps(topic_cases, indent=1, sort_keys=True) + "\n"


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for topic, cases in build_all().items():
        path = FIXTURES / f"{topic}.json"
        path.write_text(render(cases))
        print(f"wrote {path} ({sum(len(c) for c in cases.values())} cases)")


if __name__ == "__main__":
    main()
