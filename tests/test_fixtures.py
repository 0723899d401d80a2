"""The check() fixtures shipped to learners are exactly what solutions/ produces today, and compact."""

import json
import pathlib

import pytest

import solutions
from optim_helpers.checks import check
from solutions.cases import CASES
from solutions.fixtures import FIXTURES, build, render


@pytest.mark.parametrize("name", sorted(CASES))
def test_stored_fixtures_are_up_to_date(name):
    path = FIXTURES / f"{name}.json"
    assert path.exists(), f"{path} is missing: run python -m solutions.fixtures"
    assert path.read_text(encoding="utf-8") == render(build(name)), (
        f"{path} is out of date: run python -m solutions.fixtures"
    )


def test_no_stale_fixture_files():
    assert {path.stem for path in FIXTURES.glob("*.json")} == set(CASES)


def test_fixtures_stay_small():
    # 1.3 MB before rounding, elision and one file per exercise; 520 kB with the registered mistakes'
    # outputs; 406 kB with every candidate mistake, generated ones too, as one projection per probe
    # (issue 21); 566 kB with notebook 09's four exercises (issue 23: 150 kB, half of it AdamW, whose
    # generated mistakes include Adam's). A regression would show here first.
    assert sum(path.stat().st_size for path in FIXTURES.glob("*.json")) < 620_000


@pytest.mark.parametrize("name", sorted(CASES))
def test_floats_are_rounded_to_ten_digits(name):
    numbers = []

    def collect(value):
        if isinstance(value, float):
            numbers.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    collect(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["cases"])
    assert all(float(f"{x:.10g}") == x for x in numbers if x == x)


def test_check_reads_only_the_fixture_of_its_exercise(monkeypatch):
    read, original = [], pathlib.Path.read_text

    def recording_read_text(path, *args, **kwargs):
        read.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_text", recording_read_text)
    check(solutions.ewa)
    assert set(read) == {"ewa.json"}
