"""Checks for notebook 08: critical points and how rare minima are in high dimension."""

import numpy as np

from optim_helpers.checks._core import WrongValue, exercise

CRITICAL_MISTAKES = {
    "min_max_swapped": "swapped minimum and maximum: all eigenvalues positive means the surface curves "
    "up in every direction, a minimum; all negative, a maximum.",
    "ignores_degenerate": "never returned \"degenerate\": when an eigenvalue is zero (|λ| ≤ tol) the "
    "second-derivative test cannot decide, so return \"degenerate\".",
    "exact_zero": "tested eigenvalues with == 0; computed eigenvalues of a singular matrix are tiny "
    "(like 1e-16), not exactly 0. Treat |λ| ≤ tol as zero.",
    "ignores_tol": "ignored the tol argument: count an eigenvalue as zero when |λ| ≤ tol, "
    "for the tol you were given.",
    "saddle_before_degenerate": "returned \"saddle\" for a Hessian with a zero eigenvalue; any zero "
    "eigenvalue makes the point \"degenerate\", so test for zeros first.",
    "diagonal_signs": "looked at the signs of the diagonal entries; the kind depends on the eigenvalues "
    "(np.linalg.eigvalsh): [[1, 2], [2, 1]] has a positive diagonal but eigenvalues 3 and −1, a saddle.",
    "entry_signs": "looked at the signs of the matrix entries; the kind depends on the eigenvalues "
    "(np.linalg.eigvalsh): [[1, 2], [2, 1]] has only positive entries but eigenvalues 3 and −1, a saddle.",
    "determinant_test": "used the determinant (the 2 × 2 test); in n dimensions use all eigenvalues: "
    "two negative eigenvalues and one positive also give a positive determinant.",
}

FRACTION_MISTAKES = {
    "non_symmetric": "used matrices that are not symmetric: build S = (A + Aᵀ)/2 and take the "
    "eigenvalues of S (np.linalg.eigvalsh reads only one triangle of its argument, so an unsymmetrized "
    "A silently gives a different ensemble).",
    "any_positive": "counted matrices with at least one positive eigenvalue; a matrix counts only when "
    "ALL its eigenvalues are positive (its smallest eigenvalue > 0).",
    "negative_definite": "counted matrices whose eigenvalues are all negative; count those whose "
    "eigenvalues are all positive (smallest eigenvalue > 0).",
    "fraction_of_eigenvalues": "returned the fraction of positive eigenvalues; return the fraction of "
    "MATRICES whose eigenvalues are all positive.",
    "count": "returned the number of positive definite matrices; divide by trials to get a fraction.",
    "ignores_trials": "did not use the trials argument: draw trials matrices.",
    "ignores_seed": "gave the same answer for different seeds: build rng = np.random.default_rng(seed) "
    "from the seed argument.",
    "new_rng_per_trial": "created a new generator for every trial, so every trial drew the same matrix: "
    "create rng = np.random.default_rng(seed) once, before drawing.",
    "not_reproducible": "gave different answers for the same seed: build rng = np.random.default_rng(seed) "
    "and draw every matrix from it.",
    "not_a_fraction": "should return a fraction between 0 and 1.",
    "not_one_half": "should give about 0.5 for n = 1 (a 1 × 1 matrix is positive half of the time).",
    "not_goe_2": "should give about 0.146 for n = 2 (exactly (2 − √2)/4 for S = (A + Aᵀ)/2 with standard "
    "normal A); check that you symmetrize A and count matrices whose eigenvalues are all positive.",
    "not_decreasing": "should fall as n grows (n = 1, 2, 3): more directions must all curve upward.",
}

# Probabilities that an n = 2 matrix counts, with a tolerance of about 5 standard deviations at
# STATISTICS_TRIALS trials, for the symmetric ensemble and for two ways of skipping the symmetrization.
STATISTICS_TRIALS = 20000
GOE_2 = (2 - np.sqrt(2)) / 4
NON_SYMMETRIC_2 = (0.1163, 0.2500)  # eigvalsh(A) reads one triangle; all real parts of eigvals(A) > 0
TOLERANCE_2 = 0.012

SAMPLER_HINT = (
    "\n  Your results have the right statistics, so the random draws differ from the reference. "
    "Draw all matrices at once with A = rng.standard_normal((trials, n, n)) from "
    "rng = np.random.default_rng(seed) (one rng.standard_normal((n, n)) per trial, in order, "
    "gives the same numbers), so that a seed gives everyone the same answer."
)


@exercise("critical_point_type", CRITICAL_MISTAKES)
def check_critical_point_type(runner):
    runner.expect_all()
    for hessian, kind in [
        (np.diag([2.0, -2.0]), "saddle"),  # x² − y²
        (np.array([[2.0, 0.0], [0.0, 2.0]]), "minimum"),
        (np.array([[0.0, 0.0], [0.0, 2.0]]), "degenerate"),  # x²: flat along y
    ]:
        result = runner.call(hessian)
        runner.require(
            isinstance(result, str) and result == kind,
            f"should return the string {kind!r} for the Hessian {hessian.tolist()}, got {result!r}.",
        )


@exercise("fraction_positive_definite", FRACTION_MISTAKES)
def check_fraction_positive_definite(runner):
    try:
        runner.expect_all(rtol=0, atol=1e-12)
    except WrongValue as error:
        _statistics(runner)
        runner.fail(str(error)[len(runner.name) + 1 :] + SAMPLER_HINT, error)
    _statistics(runner)


def _statistics(runner):
    """Properties any correct sampler of (A + Aᵀ)/2 has, whatever its random stream."""
    value = runner.call(3, 200, 1)
    runner.require(np.ndim(value) == 0 and 0 <= float(value) <= 1, FRACTION_MISTAKES["not_a_fraction"])
    # n = 1 spreads the counts widely: an unseeded sampler repeats its answer three times by chance < 0.1%.
    runner.require(
        len({float(runner.call(1, 1000, 11)) for _ in range(3)}) == 1, FRACTION_MISTAKES["not_reproducible"]
    )
    runner.require(
        len({float(runner.call(2, 500, seed)) for seed in (1, 2, 3)}) > 1, FRACTION_MISTAKES["ignores_seed"]
    )
    one = float(runner.call(1, STATISTICS_TRIALS, 5))
    runner.require(abs(one - 0.5) < 0.02, FRACTION_MISTAKES["not_one_half"] + f" Got {one:.3f}.")
    two = float(runner.call(2, STATISTICS_TRIALS, 5))
    if abs(two - GOE_2) >= TOLERANCE_2 and min(abs(two - p) for p in NON_SYMMETRIC_2) < TOLERANCE_2:
        runner.fail(FRACTION_MISTAKES["non_symmetric"] + f" For n = 2 it gave {two:.3f}; expected about {GOE_2:.3f}.")
    runner.require(abs(two - GOE_2) < TOLERANCE_2, FRACTION_MISTAKES["not_goe_2"] + f" Got {two:.3f}.")
    falling = [float(runner.call(n, 4000, 7)) for n in (1, 2, 3)]
    runner.require(
        falling[0] > falling[1] > falling[2],
        FRACTION_MISTAKES["not_decreasing"] + f" Got {', '.join(f'{value:.3f}' for value in falling)}.",
    )
