"""Cases and known mistakes for notebook 05: initialize_rmsprop, update_parameters_with_rmsprop."""

import numpy as np

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import register_zero_state_mistakes, zero_state_cases

# --- initialize_rmsprop -------------------------------------------------------------------------


@cases_for("initialize_rmsprop")
def initialize_rmsprop_cases(rng):
    return zero_state_cases(rng)


register_zero_state_mistakes("initialize_rmsprop")

# --- update_parameters_with_rmsprop -------------------------------------------------------------


@cases_for("update_parameters_with_rmsprop")
def rmsprop_cases(rng):
    """Non-zero s from earlier steps, several shapes; tiny gradients and a given epsilon make epsilon count."""
    cases = []
    for dims, beta2 in zip(LAYER_SHAPES, (0.999, 0.9, float(rng.uniform(0.8, 0.999)))):
        parameters = random_parameters(rng, dims)
        grads = like_grads(rng, parameters)
        s = like_grads(rng, parameters, positive=True)
        cases.append(((parameters, grads, s, beta2, float(rng.uniform(0.001, 0.1))), {}))
    parameters = random_parameters(rng, LAYER_SHAPES[1])
    tiny_grads = {key: 1e-6 * value for key, value in like_grads(rng, parameters).items()}
    tiny_s = {key: 1e-12 * value for key, value in like_grads(rng, parameters, positive=True).items()}
    cases.append(((parameters, tiny_grads, tiny_s, 0.999, 0.01), {}))
    parameters = random_parameters(rng, LAYER_SHAPES[2])
    s = like_grads(rng, parameters, positive=True)
    cases.append(((parameters, like_grads(rng, parameters), s, 0.99, 0.05), {"epsilon": 0.1}))
    return cases


def _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8, old_weight=None, new_weight=None,
             denominator=None, divide_by="new_s"):
    """RMSprop with one knob turned: the EWA weights, the denominator, which s it divides by."""
    old_weight = beta2 if old_weight is None else old_weight
    new_weight = 1 - beta2 if new_weight is None else new_weight
    denominator = denominator or (lambda s_value: np.sqrt(s_value) + epsilon)
    new_parameters, new_s = {}, {}
    for key in parameters:
        dkey = "d" + key
        new_s[dkey] = old_weight * s[dkey] + new_weight * np.square(grads[dkey])
        s_used = new_s[dkey] if divide_by == "new_s" else s[dkey]
        new_parameters[key] = parameters[key] - learning_rate * grads[dkey] / denominator(s_used)
    return new_parameters, new_s


@mistake("update_parameters_with_rmsprop", "missing_one_minus_beta")
def _rmsprop_no_factor(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, new_weight=1.0)


@mistake("update_parameters_with_rmsprop", "swapped_weights")
def _rmsprop_swapped(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, old_weight=1 - beta2, new_weight=beta2)


@mistake("update_parameters_with_rmsprop", "epsilon_inside_sqrt")
def _rmsprop_eps_inside(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon,
                    denominator=lambda s_value: np.sqrt(s_value + epsilon))


@mistake("update_parameters_with_rmsprop", "missing_sqrt")
def _rmsprop_no_sqrt(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, denominator=lambda s_value: s_value + epsilon)


@mistake("update_parameters_with_rmsprop", "divided_by_old_s")
def _rmsprop_old_s(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, divide_by="old_s")


@mistake("update_parameters_with_rmsprop", "ignores_epsilon_argument")
def _rmsprop_fixed_eps(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, 1e-8)


@mistake("update_parameters_with_rmsprop", "s_not_returned")
def _rmsprop_same_s(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_parameters, _ = _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)
    return new_parameters, s


@mistake("update_parameters_with_rmsprop", "mutates_input")
def _rmsprop_in_place(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    for key in parameters:
        s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2
        parameters[key] -= learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
    return parameters, s
