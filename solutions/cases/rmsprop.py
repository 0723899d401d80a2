"""Cases and known mistakes for notebook 05: initialize_rmsprop, update_parameters_with_rmsprop."""

import numpy as np

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import register_zero_state_mistakes, zero_state_cases

# --- initialize_rmsprop -------------------------------------------------------------------------


@cases_for("initialize_rmsprop", returns=("s",))
def initialize_rmsprop_cases(rng):
    return zero_state_cases(rng)


register_zero_state_mistakes("initialize_rmsprop", "s")

# --- update_parameters_with_rmsprop -------------------------------------------------------------


@cases_for("update_parameters_with_rmsprop", returns=("parameters", "s"))
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


@mistake("update_parameters_with_rmsprop", "missing_one_minus_beta",
         "updated s with β₂·s + dW², without the (1 − β₂) factor: use s = β₂·s + (1 − β₂)·dW².")
def _rmsprop_no_factor(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, new_weight=1.0)


@mistake("update_parameters_with_rmsprop", "swapped_weights",
         "swapped the weights: it computed s = (1 − β₂)·s + β₂·dW². The old average keeps the large weight "
         "β₂: s = β₂·s + (1 − β₂)·dW².")
def _rmsprop_swapped(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, old_weight=1 - beta2, new_weight=beta2)


@mistake("update_parameters_with_rmsprop", "beta_for_one_minus_beta",
         "used β₂ where 1 − β₂ belongs: it computed s = β₂·s + β₂·dW². The new squared gradient gets the small "
         "weight 1 − β₂: s = β₂·s + (1 − β₂)·dW².")
def _rmsprop_beta_twice(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, new_weight=beta2)


@mistake("update_parameters_with_rmsprop", "one_minus_beta_for_beta",
         "used 1 − β₂ where β₂ belongs: it computed s = (1 − β₂)·s + (1 − β₂)·dW². The old average keeps the "
         "large weight β₂: s = β₂·s + (1 − β₂)·dW².")
def _rmsprop_one_minus_beta_twice(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, old_weight=1 - beta2)


@mistake("update_parameters_with_rmsprop", "epsilon_outside_fraction",
         "added ε to the parameters, not to the denominator: W − α·dW/√s + ε is missing the parentheses "
         "of W = W − α·dW / (√s + ε).")
def _rmsprop_eps_outside(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_parameters, new_s = _rmsprop(parameters, grads, s, beta2, learning_rate, 0.0)
    return {key: value + epsilon for key, value in new_parameters.items()}, new_s


@mistake("update_parameters_with_rmsprop", "epsilon_inside_sqrt",
         "added ε inside the square root; add it outside: W = W − α·dW / (√s + ε).")
def _rmsprop_eps_inside(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon,
                    denominator=lambda s_value: np.sqrt(s_value + epsilon))


@mistake("update_parameters_with_rmsprop", "missing_sqrt",
         "divided by s + ε; divide by the root mean square: W = W − α·dW / (√s + ε), with np.sqrt(s).")
def _rmsprop_no_sqrt(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, denominator=lambda s_value: s_value + epsilon)


@mistake("update_parameters_with_rmsprop", "divided_by_old_s",
         "divided by the old s; update s first, then step with the new one: W = W − α·dW / (√s + ε).")
def _rmsprop_old_s(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon, divide_by="old_s")


@mistake("update_parameters_with_rmsprop", "ignores_epsilon_argument",
         "ignored the epsilon argument (it used a fixed number); use the epsilon the caller passes (1e-8 is "
         "only its default).")
def _rmsprop_fixed_eps(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop(parameters, grads, s, beta2, learning_rate, 1e-8)


@mistake("update_parameters_with_rmsprop", "s_not_returned",
         "returned the s it was given, not the updated one; return the new s so the next step can build on "
         "it.")
def _rmsprop_same_s(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_parameters, _ = _rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)
    return new_parameters, s


@mistake("update_parameters_with_rmsprop", "mutates_input")
def _rmsprop_in_place(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    for key in parameters:
        s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2
        parameters[key] -= learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
    return parameters, s
