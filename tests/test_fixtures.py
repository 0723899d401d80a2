"""The check() fixtures shipped to learners are exactly what solutions/ produces today."""

import json

import pytest

from solutions.fixtures import FIXTURES, build_all, render


@pytest.mark.parametrize("topic, cases", sorted(build_all().items()))
def test_stored_fixtures_are_up_to_date(topic, cases):
    path = FIXTURES / f"{topic}.json"
    assert path.exists(), f"{path} is missing: run python -m solutions.fixtures"
    assert json.loads(path.read_text()) == json.loads(render(cases)), (
        f"{path} is out of date: run python -m solutions.fixtures"
    )


def test_no_stale_fixture_files():
    assert {path.stem for path in FIXTURES.glob("*.json")} == set(build_all())
