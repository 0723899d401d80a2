"""Cases and known mistakes for notebooks 02 and 03: ewa, effective_window, ewa_bias_corrected."""

import numpy as np

from solutions.cases import cases_for, mistake


@cases_for("ewa")
def ewa_cases(rng):
    series = [rng.normal(10, 5, size=size) for size in (1, 5, 40)]
    return [((theta, beta), {}) for theta in series for beta in (0.9, float(rng.uniform(0.3, 0.99)))]


@cases_for("effective_window")
def effective_window_cases(rng):
    return [((beta,), {}) for beta in (0.95, 0.8, float(rng.uniform(0.5, 0.999)))]


@cases_for("ewa_bias_corrected")
def ewa_bias_corrected_cases(rng):
    return ewa_cases(rng)


def _ewa_loop(theta, beta, v0=0.0, new_weight=None, old_weight=None):
    theta = np.asarray(theta, dtype=float)
    new_weight = 1 - beta if new_weight is None else new_weight
    old_weight = beta if old_weight is None else old_weight
    v, out = v0, []
    for value in theta:
        v = old_weight * v + new_weight * value
        out.append(v)
    return np.array(out)


@mistake("ewa", "swapped_weights")
def _ewa_swapped(theta, beta):
    return _ewa_loop(theta, beta, new_weight=beta, old_weight=1 - beta)


@mistake("ewa", "missing_one_minus_beta")
def _ewa_no_factor(theta, beta):
    return _ewa_loop(theta, beta, new_weight=1.0)


@mistake("ewa", "v0_is_theta1")
def _ewa_v0_theta1(theta, beta):
    return _ewa_loop(theta, beta, v0=float(np.asarray(theta)[0]))


@mistake("ewa", "last_value_only")
def _ewa_last(theta, beta):
    return _ewa_loop(theta, beta)[-1]


@mistake("ewa", "includes_v0")
def _ewa_with_v0(theta, beta):
    return np.concatenate([[0.0], _ewa_loop(theta, beta)])


@mistake("ewa", "off_by_one")
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


@mistake("effective_window", "one_over_beta")
def _window_one_over_beta(beta):
    return 1 / beta


@mistake("effective_window", "forgot_reciprocal")
def _window_forgot_reciprocal(beta):
    return 1 - beta


@mistake("effective_window", "beta_over_one_minus_beta")
def _window_beta_over(beta):
    return beta / (1 - beta)


@mistake("effective_window", "truncated")
def _window_truncated(beta):
    return int(1 / (1 - beta))


def _steps(theta):
    return np.arange(1, np.asarray(theta).size + 1)


@mistake("ewa_bias_corrected", "t_from_zero")
def _corrected_t_from_zero(theta, beta):
    with np.errstate(divide="ignore"):
        return _ewa_loop(theta, beta) / (1 - beta ** (_steps(theta) - 1))


@mistake("ewa_bias_corrected", "divided_by_one_minus_beta")
def _corrected_by_one_minus_beta(theta, beta):
    return _ewa_loop(theta, beta) / (1 - beta)


@mistake("ewa_bias_corrected", "corrected_the_input")
def _corrected_input(theta, beta):
    return _ewa_loop(np.asarray(theta, dtype=float) / (1 - beta ** _steps(theta)), beta)


@mistake("ewa_bias_corrected", "cumulative_correction")
def _corrected_cumulatively(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(np.asarray(theta, dtype=float), start=1):
        v = (beta * v + (1 - beta) * value) / (1 - beta**t)
        out.append(v)
    return np.array(out)


@mistake("ewa_bias_corrected", "multiplied_by_correction")
def _corrected_multiplied(theta, beta):
    return _ewa_loop(theta, beta) * (1 - beta ** _steps(theta))


@mistake("ewa_bias_corrected", "not_corrected")
def _corrected_not(theta, beta):
    return _ewa_loop(theta, beta)
