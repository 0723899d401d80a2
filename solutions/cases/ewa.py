"""Cases and known mistakes for notebooks 02 and 03: ewa, effective_window, ewa_bias_corrected."""

import numpy as np

from solutions.cases import cases_for, mistake


@cases_for("ewa", returns=("v",))
def ewa_cases(rng):
    # A series that starts below zero too: v₁ = (1 − β)·θ₁ < 0 tells +inf from −inf where a mistake divides by 0.
    series = [rng.normal(10, 5, size=size) for size in (1, 5, 40)] + [np.array([-3.0, 5.0, 2.0])]
    cases = [((theta, beta), {}) for theta in series for beta in (0.9, float(rng.uniform(0.3, 0.99)))]
    integers = rng.integers(-20, 40, size=6)  # an integer series: the averages are still floats
    return cases + [((integers, 0.8), {}), ((np.full(300, 7.0), 0.9), {})]  # a constant series approaches 7


@cases_for("effective_window", returns=("the window",))
def effective_window_cases(rng):
    # The lecture's windows (0.9, 0.98, 0.5: about 10, 50 and 2 days) and others.
    return [((beta,), {}) for beta in (0.9, 0.98, 0.5, 0.95, 0.8, float(rng.uniform(0.5, 0.999)))]


@cases_for("ewa_bias_corrected", returns=("the corrected average",))
def ewa_bias_corrected_cases(rng):
    # A constant series: the corrected average is exactly that constant from t = 1 on.
    return ewa_cases(rng) + [((np.full(5, 7.0), 0.98), {})]


def _ewa_loop(theta, beta, v0=0.0, new_weight=None, old_weight=None):
    theta = np.asarray(theta, dtype=float)
    new_weight = 1 - beta if new_weight is None else new_weight
    old_weight = beta if old_weight is None else old_weight
    v, out = v0, []
    for value in theta:
        v = old_weight * v + new_weight * value
        out.append(v)
    return np.array(out)


@mistake("ewa", "swapped_weights",
         "swapped the weights: it computed v_t = (1 − β)·v_{t−1} + β·θ_t. The past keeps the large weight β, "
         "the new value gets (1 − β).")
def _ewa_swapped(theta, beta):
    return _ewa_loop(theta, beta, new_weight=beta, old_weight=1 - beta)


@mistake("ewa", "missing_one_minus_beta",
         "added θ_t without the (1 − β) factor: use v_t = β·v_{t−1} + (1 − β)·θ_t.")
def _ewa_no_factor(theta, beta):
    return _ewa_loop(theta, beta, new_weight=1.0)


@mistake("ewa", "v0_is_theta1",
         "started from v₀ = θ₁; the average starts from v₀ = 0 (notebook 03's bias correction deals with the "
         "slow start).")
def _ewa_v0_theta1(theta, beta):
    return _ewa_loop(theta, beta, v0=float(np.asarray(theta)[0]))


@mistake("ewa", "last_value_only",
         "returned only the last average v_T; return the whole array v₁ … v_T.")
def _ewa_last(theta, beta):
    return _ewa_loop(theta, beta)[-1]


@mistake("ewa", "includes_v0",
         "returned v₀ = 0 in front of the averages; return v₁ … v_T, one per θ_t.")
def _ewa_with_v0(theta, beta):
    return np.concatenate([[0.0], _ewa_loop(theta, beta)])


@mistake("ewa", "off_by_one",
         "paired v_t with θ_{t−1} (off by one in t): v₁ should already include θ₁.")
def _ewa_off_by_one(theta, beta):
    shifted = np.concatenate([[0.0], np.asarray(theta, dtype=float)[:-1]])
    return _ewa_loop(shifted, beta)


@mistake("ewa", "mutates_input")
def _ewa_in_place(theta, beta):
    v = 0.0
    for t in range(len(theta)):
        v = beta * v + (1 - beta) * theta[t]
        theta[t] = v
    return theta


@mistake("effective_window", "one_over_beta",
         "returned 1/β; the window is 1/(1 − β) (β = 0.9 averages about 10 values).")
def _window_one_over_beta(beta):
    return 1 / beta


@mistake("effective_window", "forgot_reciprocal",
         "returned 1 − β; the window is its reciprocal, 1/(1 − β).")
def _window_forgot_reciprocal(beta):
    return 1 - beta


@mistake("effective_window", "beta_over_one_minus_beta",
         "returned β/(1 − β); the window is 1/(1 − β).")
def _window_beta_over(beta):
    return beta / (1 - beta)


@mistake("effective_window", "truncated",
         "rounded the window to a whole number; return the float 1/(1 − β).")
def _window_truncated(beta):
    return int(1 / (1 - beta))


def _steps(theta):
    return np.arange(1, np.asarray(theta).size + 1)


@mistake("ewa_bias_corrected", "t_from_zero",
         "counted t from 0: the first value was divided by 1 − β⁰ = 0. The first average is v₁, so divide v_t"
         " by 1 − β^t with t = 1, 2, …, T.")
def _corrected_t_from_zero(theta, beta):
    with np.errstate(divide="ignore"):
        return _ewa_loop(theta, beta) / (1 - beta ** (_steps(theta) - 1))


@mistake("ewa_bias_corrected", "divided_by_one_minus_beta",
         "divided by 1 − β; the correction is 1 − β^t, with β raised to the power t of each step (t = 1 … T).")
def _corrected_by_one_minus_beta(theta, beta):
    return _ewa_loop(theta, beta) / (1 - beta)


@mistake("ewa_bias_corrected", "corrected_the_input",
         "corrected the data θ_t before averaging; average first, then divide the average: v_t / (1 − β^t).")
def _corrected_input(theta, beta):
    return _ewa_loop(np.asarray(theta, dtype=float) / (1 - beta ** _steps(theta)), beta)


@mistake("ewa_bias_corrected", "cumulative_correction",
         "fed the corrected value back into the recurrence, so the correction piled up. Keep the plain "
         "average v_t = β·v_{t−1} + (1 − β)·θ_t running and only divide what you return.")
def _corrected_cumulatively(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(np.asarray(theta, dtype=float), start=1):
        v = (beta * v + (1 - beta) * value) / (1 - beta**t)
        out.append(v)
    return np.array(out)


@mistake("ewa_bias_corrected", "multiplied_by_correction",
         "multiplied by 1 − β^t; divide by it: v_t / (1 − β^t).")
def _corrected_multiplied(theta, beta):
    return _ewa_loop(theta, beta) * (1 - beta ** _steps(theta))


@mistake("ewa_bias_corrected", "not_corrected",
         "returned the uncorrected average v_t; divide each v_t by 1 − β^t.")
def _corrected_not(theta, beta):
    return _ewa_loop(theta, beta)


@mistake("ewa_bias_corrected", "power_outside",
         "divided by (1 − β)^t; only β is raised to the power t: divide by 1 − β^t, in Python 1 - beta**t "
         "(** binds tighter than -).")
def _corrected_power_outside(theta, beta):
    return _ewa_loop(theta, beta) / (1 - beta) ** _steps(theta)
