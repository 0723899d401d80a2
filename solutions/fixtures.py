"""Build the check() fixtures: ``python -m solutions.fixtures``.

For every exercise, ``notebooks/optim_helpers/fixtures/<exercise>.json`` stores the probe inputs,
the reference output of each, and the candidate mistakes check() can name: the registered ones
(solutions/cases, with their hand-written sentences) and the generated ones (solutions/mutants.py,
with sentences made from their edits), each as a sentence and, per probe, a fingerprint of what it
returns (optim_helpers/checks/_engine.py), in the order of ``candidates``. No code ships, and no
mistake's output: a fingerprint is one random projection of it, enough to recognise it and too
little to rebuild it. tests/test_fixtures.py fails when the stored files are out of date.

The files are kept small: no indentation; floats rounded to :data:`DIGITS` significant digits
(check() compares with rtol 1e-6), the inputs rounded *before* the outputs are computed so inputs
and outputs agree exactly; and a candidate's fingerprint is null where it returns the expected output.
"""

import copy
import json
import zlib
from pathlib import Path

import numpy as np

import optim_helpers
import solutions
from optim_helpers import codec
from solutions import mutants
from solutions.cases import CASES, RETURNS, SENTENCES

FIXTURES = Path(optim_helpers.__file__).resolve().parent / "fixtures"
SEED = 20261128
DIGITS = 10


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


def probes(name):
    """``[(args, kwargs, expected), ...]``: the fixed probe inputs of exercise ``name``, rounded, and the
    reference's outputs for them."""
    # Seeded by the exercise's name, so adding an exercise leaves every other exercise's probes as they were.
    rng = np.random.default_rng([SEED, zlib.crc32(name.encode())])
    reference = getattr(solutions, name)
    cases = []
    for args, kwargs in CASES[name](rng):
        args, kwargs = rounded((list(args), kwargs))
        cases.append((args, kwargs, rounded(reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)))))
    return cases


def build(name):
    """The fixture of exercise ``name``: what it returns, its candidate mistakes, its probes."""
    cases = probes(name)
    registered = mutants.registered_table(name, cases)
    generated = mutants.select(name, cases, known=[prints for _, prints in registered])
    table = registered + [(mutant.id, prints) for mutant, prints in generated]
    return {
        "returns": list(RETURNS[name]),
        "mistakes": SENTENCES.get(name, {}),
        "generated": {mutant.id: mutant.sentence for mutant, _ in generated},
        "candidates": [candidate for candidate, _ in table],
        "cases": [{"args": args, "kwargs": kwargs, "expected": expected,
                   "prints": [prints[index] for _, prints in table]}
                  for index, (args, kwargs, expected) in enumerate(cases)],
    }


def render(fixture):
    """The fixture as compact JSON text."""
    def encode(value):
        return json.loads(codec.dumps(value))

    encoded = dict(fixture, cases=[
        dict(case, args=encode(case["args"]), kwargs=encode(case["kwargs"]), expected=encode(case["expected"]))
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
        print(f"wrote {path} ({len(fixture['cases'])} cases, {len(fixture['generated'])} generated mistakes, "
              f"{path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
