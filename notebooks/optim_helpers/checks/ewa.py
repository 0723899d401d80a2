"""Checks for notebooks 02 and 03: exponentially weighted averages and bias correction."""

import numpy as np

from optim_helpers.checks._core import exercise

EWA_MISTAKES = {
    "swapped_weights": "swapped the weights: it computed v_t = (1 − β)·v_{t−1} + β·θ_t. "
    "The past keeps the large weight β, the new value gets (1 − β).",
    "missing_one_minus_beta": "added θ_t without the (1 − β) factor: use v_t = β·v_{t−1} + (1 − β)·θ_t.",
    "v0_is_theta1": "started from v₀ = θ₁; the average starts from v₀ = 0 "
    "(notebook 03's bias correction deals with the slow start).",
    "last_value_only": "returned only the last average v_T; return the whole array v₁ … v_T.",
    "includes_v0": "returned v₀ = 0 in front of the averages; return v₁ … v_T, one per θ_t.",
    "off_by_one": "paired v_t with θ_{t−1} (off by one in t): v₁ should already include θ₁.",
}

WINDOW_MISTAKES = {
    "one_over_beta": "returned 1/β; the window is 1/(1 − β) (β = 0.9 averages about 10 values).",
    "forgot_reciprocal": "returned 1 − β; the window is its reciprocal, 1/(1 − β).",
    "beta_over_one_minus_beta": "returned β/(1 − β); the window is 1/(1 − β).",
    "truncated": "rounded the window to a whole number; return the float 1/(1 − β).",
}


@exercise("ewa", EWA_MISTAKES)
def check_ewa(runner):
    runner.expect_all()
    constant = np.full(300, 7.0)
    v = runner.call(constant, 0.9)
    runner.require(
        abs(float(np.asarray(v)[-1]) - 7.0) < 1e-6,
        "should approach θ when θ is constant (7.0 for 300 steps); check the (1 − β) factor.",
    )


@exercise("effective_window", WINDOW_MISTAKES)
def check_effective_window(runner):
    runner.expect_all()
    for beta, days in [(0.9, 10), (0.98, 50), (0.5, 2)]:
        window = runner.call(beta)
        runner.require(
            np.isclose(float(window), days), f"({beta}) should be about {days} days, got {window!r}."
        )

CORRECTED_MISTAKES = {
    "t_from_zero": "counted t from 0: the first value was divided by 1 − β⁰ = 0. "
    "The first average is v₁, so divide v_t by 1 − β^t with t = 1, 2, …, T.",
    "divided_by_one_minus_beta": "divided by 1 − β; the correction is 1 − β^t, "
    "with β raised to the power t of each step (t = 1 … T).",
    "corrected_the_input": "corrected the data θ_t before averaging; average first, "
    "then divide the average: v_t / (1 − β^t).",
    "cumulative_correction": "fed the corrected value back into the recurrence, so the correction piled up. "
    "Keep the plain average v_t = β·v_{t−1} + (1 − β)·θ_t running and only divide what you return.",
    "multiplied_by_correction": "multiplied by 1 − β^t; divide by it: v_t / (1 − β^t).",
    "not_corrected": "returned the uncorrected average v_t; divide each v_t by 1 − β^t.",
}


@exercise("ewa_bias_corrected", CORRECTED_MISTAKES)
def check_ewa_bias_corrected(runner):
    runner.expect_all()
    constant = np.full(5, 7.0)
    corrected = runner.call(constant, 0.98)
    runner.require(
        np.allclose(np.asarray(corrected, dtype=float), 7.0),
        "should give exactly θ at every step when θ is constant (7.0, β = 0.98): "
        "the corrected weights add up to 1 from t = 1 on.",
    )
