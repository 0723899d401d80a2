"""Checks for notebook 08 beyond the stored cases: the statistics of any correct random sampler."""

import numpy as np

from optim_helpers.checks._core import WrongValue, exercise

# Sentences of the statistical checks; the sentences of mistakes with a wrong implementation
# live beside it in solutions/cases/local_optima.py and reach check() through the fixtures.
FRACTION_PROPERTIES = {
    "not_reproducible": "gave different answers for the same seed: build rng = np.random.default_rng(seed) "
    "and draw every matrix from it.",
    "not_a_fraction": "should return a fraction between 0 and 1.",
    "not_one_half": "should give about 0.5 for n = 1 (a 1 × 1 matrix is positive half of the time).",
    "not_goe_2": "should give about 0.146 for n = 2 (exactly (2 − √2)/4 for S = (A + Aᵀ)/2 with standard "
    "normal A); check that you symmetrize A and count matrices whose eigenvalues are all positive.",
    "not_decreasing": "should fall as n grows (n = 1, 2, 3): more directions must all curve upward.",
}

# Probabilities that an n = 2 matrix counts, with a tolerance of about 5 standard deviations at
# STATISTICS_TRIALS trials, for the symmetric ensemble and for two ways of skipping the symmetrization
# (check() says the second is what the learner's number resembles; it names no cause from one number).
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


@exercise("fraction_positive_definite")
def check_fraction_positive_definite(runner):
    try:
        runner.expect_all(rtol=1e-9, atol=0)  # fractions k/trials differ by >= 1e-4
    except WrongValue as error:
        _statistics(runner)
        runner.fail(str(error)[len(runner.name) + 1 :] + SAMPLER_HINT, error, kind="truthful")
    _statistics(runner)


def _statistics(runner):
    """Properties any correct sampler of (A + Aᵀ)/2 has, whatever its random stream."""
    value = runner.call(3, 200, 1)
    runner.require(np.ndim(value) == 0 and 0 <= float(value) <= 1, FRACTION_PROPERTIES["not_a_fraction"],
                   kind="truthful")
    # n = 1 spreads the counts widely: an unseeded sampler repeats its answer three times by chance < 0.1%.
    runner.require(
        len({float(runner.call(1, 1000, 11)) for _ in range(3)}) == 1, FRACTION_PROPERTIES["not_reproducible"]
    )
    # The same answer for three seeds says the seed is not used, unless that answer is 0 or 1, which the
    # sampler would give for any seed (a mistake that makes every matrix count, say).
    seeded = {float(runner.call(2, 500, seed)) for seed in (1, 2, 3)}
    runner.require(len(seeded) > 1 or seeded <= {0.0, 1.0}, runner.fixture["mistakes"]["ignores_seed"])
    one = float(runner.call(1, STATISTICS_TRIALS, 5))
    runner.require(abs(one - 0.5) < 0.02, FRACTION_PROPERTIES["not_one_half"] + f" Got {one:.3f}.", kind="truthful")
    two = float(runner.call(2, STATISTICS_TRIALS, 5))
    unsymmetrized = ""
    if min(abs(two - p) for p in NON_SYMMETRIC_2) < TOLERANCE_2:
        unsymmetrized = (f" That is about what matrices that are not symmetrized give ({NON_SYMMETRIC_2[0]:.3f} "
                         f"from eigvalsh(A), {NON_SYMMETRIC_2[1]:.2f} from the real parts of eigvals(A)).")
    runner.require(abs(two - GOE_2) < TOLERANCE_2,
                   FRACTION_PROPERTIES["not_goe_2"] + f" Got {two:.3f}." + unsymmetrized, kind="truthful")
    falling = [float(runner.call(n, 4000, 7)) for n in (1, 2, 3)]
    runner.require(
        falling[0] > falling[1] > falling[2],
        FRACTION_PROPERTIES["not_decreasing"] + f" Got {', '.join(f'{value:.3f}' for value in falling)}.",
        kind="truthful",
    )
