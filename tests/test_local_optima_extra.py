"""Notebook 08's checks accept every correct way of writing the exercises, and only those.

fraction_positive_definite is random: the reference draws rng.standard_normal((trials, n, n)).
A learner who loops over trials gets the same numbers; one who samples another way cannot match
exactly and is told so, after the statistical checks have confirmed the rest is right.
"""

import numpy as np
import pytest

import solutions
from optim_helpers.checks import check
from optim_helpers.checks.local_optima import GOE_2, NON_SYMMETRIC_2
from solutions.cases import CASES


def fraction_loop(n, trials=1000, seed=0):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(trials):
        A = rng.standard_normal((n, n))
        count += np.all(np.linalg.eigvals((A + A.T) / 2) > 0)
    return count / trials


def fraction_cholesky(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).normal(size=(trials, n, n))
    positive = 0
    for S in (A + A.transpose(0, 2, 1)) / 2:
        try:
            np.linalg.cholesky(S)
            positive += 1
        except np.linalg.LinAlgError:
            pass
    return positive / trials


def fraction_other_sampler(n, trials=1000, seed=0):
    """The same ensemble (diagonal variance 1, off-diagonal 1/2) from a different random stream."""
    rng = np.random.default_rng(seed)
    diagonal = rng.standard_normal((trials, n))
    upper = np.triu(rng.standard_normal((trials, n, n)), 1) / np.sqrt(2)
    S = upper + upper.transpose(0, 2, 1) + diagonal[:, :, None] * np.eye(n)
    return float(np.mean(np.linalg.eigvalsh(S)[:, 0] > 0))


def fraction_eigvals_of_A(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return float(np.mean(np.all(np.linalg.eigvals(A).real > 0, axis=1)))


def fraction_unseeded(n, trials=1000, seed=0):
    A = np.random.default_rng().standard_normal((trials, n, n))
    return float(np.mean(np.linalg.eigvalsh(A + A.transpose(0, 2, 1))[:, 0] > 0))


@pytest.mark.parametrize("variant", [fraction_loop, fraction_cholesky])
def test_equivalent_implementations_pass(variant, capsys):
    variant.__name__ = "fraction_positive_definite"
    check(variant)
    assert "✔" in capsys.readouterr().out


def test_the_case_builder_gives_inputs_every_correct_implementation_matches_exactly():
    for seed in range(20):
        for args, kwargs in CASES["fraction_positive_definite"](np.random.default_rng(seed)):
            expected = solutions.fraction_positive_definite(*args, **kwargs)
            assert fraction_loop(*args, **kwargs) == expected
            assert fraction_cholesky(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "variant, message",
    [
        (fraction_other_sampler, "right statistics, so the random draws differ"),
        (fraction_eigvals_of_A, "used matrices that are not symmetric"),
        (fraction_unseeded, "gave different answers for the same seed"),
    ],
)
def test_other_samplers_are_told_what_differs(variant, message):
    variant.__name__ = "fraction_positive_definite"
    with pytest.raises(AssertionError, match=message):
        check(variant)


def test_other_sampler_really_has_the_reference_statistics():
    for n in (1, 2, 3):
        assert abs(fraction_other_sampler(n, 40000, 1) - solutions.fraction_positive_definite(n, 40000, 1)) < 0.01


def test_n_equals_2_probabilities_are_the_constants_check_uses():
    assert abs(solutions.fraction_positive_definite(2, 400000, 3) - GOE_2) < 0.003
    A = np.random.default_rng(4).standard_normal((400000, 2, 2))
    one_triangle = np.mean(np.linalg.eigvalsh(A)[:, 0] > 0)
    real_parts = np.mean(np.all(np.linalg.eigvals(A).real > 0, axis=1))
    assert np.allclose([one_triangle, real_parts], NON_SYMMETRIC_2, atol=0.003)


def critical_point_type_eig(hessian, tol=1e-8):
    eigenvalues = np.linalg.eig(hessian)[0].real
    positive, negative = int(np.sum(eigenvalues > tol)), int(np.sum(eigenvalues < -tol))
    if positive and negative:
        return "saddle"
    if positive + negative < len(eigenvalues):
        return "degenerate"
    return "minimum" if positive else "maximum"


def test_critical_point_type_with_eig_passes(capsys):
    critical_point_type_eig.__name__ = "critical_point_type"
    check(critical_point_type_eig)
    assert "✔" in capsys.readouterr().out
