"""Build the check() fixtures: ``python -m solutions.fixtures``.

For every exercise, ``notebooks/optim_helpers/fixtures/<exercise>.json`` stores the inputs,
the reference output, and for each known mistake its sentence and its output (or the
exception it raises). The learner's helpers then compare against numbers, never against
code, so no answer ships with the released notebooks. tests/test_fixtures.py fails when
the stored files are out of date.

The files are kept small: no indentation; floats rounded to :data:`DIGITS` significant
digits (check() compares with rtol 1e-6), the inputs rounded *before* the outputs are
computed so inputs and outputs agree exactly; and in a mistake's output every part equal
to the expected output is stored as ``{"__same__": 1}`` (check() puts it back on loading).
"""

import copy
import json
from pathlib import Path

import numpy as np

import optim_helpers
import solutions
from optim_helpers import codec
from optim_helpers.compare import explain_difference
from solutions.cases import CASES, MISTAKES, RETURNS, SENTENCES

FIXTURES = Path(optim_helpers.__file__).resolve().parent / "fixtures"
SEED = 20261128
DIGITS = 10
SAME = {"__same__": 1}


def rounded(value):
    """``value`` with every float rounded to :data:`DIGITS` significant digits, through the codec."""
    return codec.loads(json.dumps(_round_floats(json.loads(codec.dumps(value)))))


def _round_floats(encoded):
    if isinstance(encoded, float):
        return float(f"{encoded:.{DIGITS}g}")
    if isinstance(encoded, list):
        return [_round_floats(item) for item in encoded]
    if isinstance(encoded, dict):
        return {key: _round_floats(item) for key, item in encoded.items()}
    return encoded


def elided(output, expected):
    """``output`` with each part that equals the same part of ``expected`` replaced by :data:`SAME`."""
    if codec.dumps(output) == codec.dumps(expected):
        return dict(SAME)
    if isinstance(output, dict) and isinstance(expected, dict) and output.keys() == expected.keys():
        return {key: elided(output[key], expected[key]) for key in output}
    if isinstance(output, (tuple, list)) and type(output) is type(expected) and len(output) == len(expected):
        return type(output)(elided(a, e) for a, e in zip(output, expected))
    return output


def build_case(name, args, kwargs):
    """One stored case: inputs, the reference output, and what each known mistake does with them."""
    args, kwargs = rounded((list(args), kwargs))
    expected = rounded(getattr(solutions, name)(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    wrong_outputs, raises = {}, {}
    for mistake_id, wrong in MISTAKES.get(name, {}).items():
        try:
            output = rounded(wrong(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
        except TypeError as error:
            if "cannot encode" in str(error):
                continue
            raises[mistake_id] = type(error).__name__
            continue
        except Exception as error:
            raises[mistake_id] = type(error).__name__
            continue
        if explain_difference(output, expected, "") is not None:
            wrong_outputs[mistake_id] = elided(output, expected)
    return {"args": args, "kwargs": kwargs, "expected": expected, "mistakes": wrong_outputs, "raises": raises}


def build(name):
    """The fixture of exercise ``name``: what it returns, its mistakes' sentences, its cases."""
    rng = np.random.default_rng([SEED, sorted(CASES).index(name)])
    cases = [build_case(name, args, kwargs) for args, kwargs in CASES[name](rng)]
    return {"returns": list(RETURNS[name]), "mistakes": SENTENCES.get(name, {}), "cases": cases}


def render(fixture):
    """The fixture as compact JSON text."""
    def encode(value):
        return json.loads(codec.dumps(value))

    encoded = dict(fixture, cases=[
        dict(case, args=encode(case["args"]), kwargs=encode(case["kwargs"]), expected=encode(case["expected"]),
             mistakes={mistake_id: encode(output) for mistake_id, output in case["mistakes"].items()})
        for case in fixture["cases"]
    ])
    return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False) + "\n"


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for stale in set(FIXTURES.glob("*.json")) - {FIXTURES / f"{name}.json" for name in CASES}:
        stale.unlink()
    for name in sorted(CASES):
        path = FIXTURES / f"{name}.json"
        fixture = build(name)
        path.write_text(render(fixture), encoding="utf-8")
        print(f"wrote {path} ({len(fixture['cases'])} cases, {path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
