"""check(): passes the reference, names every known mistake, and explains bad input plainly."""

import re

import numpy as np
import pytest

import solutions
from optim_helpers.checks import check, mistake_message
from optim_helpers.checks._core import known_exercises
from solutions.cases import CASES, MISTAKES, SENTENCES

KNOWN_MISTAKES = [(name, mistake_id) for name in sorted(MISTAKES) for mistake_id in MISTAKES[name]]


@pytest.mark.parametrize("name", known_exercises())
def test_reference_solution_passes(name, capsys):
    check(getattr(solutions, name))
    assert re.fullmatch(rf"✔ {name}: all \d+ checks passed\.\n", capsys.readouterr().out)


@pytest.mark.parametrize("name, mistake_id", KNOWN_MISTAKES)
def test_each_known_mistake_is_named(name, mistake_id):
    wrong = MISTAKES[name][mistake_id]
    with pytest.raises(AssertionError) as failure:
        check(wrong)
    expected = mistake_message(name, mistake_id).split("{")[0]
    assert expected in str(failure.value), f"check({name}) with mistake {mistake_id!r} said:\n{failure.value}"


@pytest.mark.parametrize("name, mistake_id", KNOWN_MISTAKES)
def test_the_sentence_check_says_is_the_one_written_beside_the_mistake(name, mistake_id):
    if mistake_id in SENTENCES.get(name, {}):
        assert mistake_message(name, mistake_id) == SENTENCES[name][mistake_id]


@pytest.mark.parametrize("name", known_exercises())
def test_every_exercise_names_at_least_three_mistakes(name):
    assert len(SENTENCES.get(name, {})) >= 3


def test_every_function_of_the_contract_has_cases_and_checks():
    assert set(solutions.__all__) == set(CASES) == set(known_exercises())


def test_not_a_function_is_explained():
    with pytest.raises(TypeError, match=r"check\(\) needs your function itself.*without parentheses"):
        check(np.zeros(3))


def test_unknown_function_name_is_explained():
    def my_ewa(theta, beta):
        return theta

    with pytest.raises(ValueError, match="no checks for a function named 'my_ewa'"):
        check(my_ewa)


def test_unwritten_exercise_is_explained():
    def ewa(theta, beta):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="not written yet"):
        check(ewa)


def test_function_that_raises_shows_the_error_and_the_inputs():
    def ewa(theta, beta):
        return theta[100]

    with pytest.raises(AssertionError, match=r"raised IndexError: .*\n.*\n  Called with \(theta=\["):
        check(ewa)


def test_unknown_wrong_value_points_at_the_first_difference():
    def ewa(theta, beta):
        return np.asarray(theta, dtype=float) ** 2

    with pytest.raises(AssertionError, match=r"returned a wrong value: v\[0\] is .*, expected "):
        check(ewa)


def test_an_object_that_claims_equality_does_not_pass():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    def ewa(theta, beta):
        return AlwaysEqual()

    with pytest.raises(AssertionError, match="should be a number or array"):
        check(ewa)
