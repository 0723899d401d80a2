"""Cases and known mistakes for notebook 06: initialize_adam, update_parameters_with_adam."""

import numpy as np

from solutions._layers import zeros_like_grads
from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import WRONG_STATES, zero_state_cases

# --- initialize_adam ----------------------------------------------------------------------------


@cases_for("initialize_adam")
def initialize_adam_cases(rng):
    return zero_state_cases(rng)


def _both_states_wrong(wrong):
    def initialize_adam(parameters):
        return wrong(parameters), wrong(parameters)

    return initialize_adam


# The zero-state mistakes of initialize_velocity, made in v and s alike.
for _mistake_id in ("keys_like_parameters", "transposed_shape", "last_layer_skipped"):
    mistake("initialize_adam", _mistake_id)(_both_states_wrong(WRONG_STATES[_mistake_id]))


@mistake("initialize_adam", "s_starts_at_one")
def _adam_init_s_ones(parameters):
    return zeros_like_grads(parameters), WRONG_STATES["ones"](parameters)


@mistake("initialize_adam", "one_dict_returned")
def _adam_init_one(parameters):
    return zeros_like_grads(parameters)


@mistake("initialize_adam", "same_dict")
def _adam_init_same_dict(parameters):
    v = zeros_like_grads(parameters)
    return v, v


@mistake("initialize_adam", "shared_arrays")
def _adam_init_shared_arrays(parameters):
    v = zeros_like_grads(parameters)
    return v, dict(v)


# --- update_parameters_with_adam ----------------------------------------------------------------


@cases_for("update_parameters_with_adam")
def adam_cases(rng):
    """Non-zero moments from earlier steps, several shapes and step counts t, defaults and given settings.

    The last cases use tiny gradients and second moments (so epsilon counts) and a given epsilon.
    """
    settings = [
        (LAYER_SHAPES[0], 1, {}),
        (LAYER_SHAPES[1], 2, {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99}),
        (LAYER_SHAPES[2], 7, {}),
        (LAYER_SHAPES[1], int(rng.integers(10, 100)), {"learning_rate": 0.001}),
        (LAYER_SHAPES[0], 3, {"learning_rate": 0.05, "epsilon": 0.1}),
    ]
    cases = []
    for index, (dims, t, kwargs) in enumerate(settings):
        scale = 1e-5 if index == 3 else 1.0
        parameters = random_parameters(rng, dims)
        grads = {key: scale * value for key, value in like_grads(rng, parameters).items()}
        v = {key: scale * value for key, value in like_grads(rng, parameters).items()}
        s = {key: scale**2 * value for key, value in like_grads(rng, parameters, positive=True).items()}
        cases.append(((parameters, grads, v, s, t), kwargs))
    return cases


def _adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8,
          v_weight=None, s_beta=None, t_correction=None, step_with="corrected", denominator=None):
    """Adam with one knob turned: returns ``(parameters, v, s, v_corrected, s_corrected)``."""
    v_weight = 1 - beta1 if v_weight is None else v_weight
    s_beta = beta2 if s_beta is None else s_beta
    t_correction = t if t_correction is None else t_correction
    denominator = denominator or (lambda s_value: np.sqrt(s_value) + epsilon)
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for key in parameters:
        dkey = "d" + key
        new_v[dkey] = beta1 * v[dkey] + v_weight * grads[dkey]
        new_s[dkey] = s_beta * s[dkey] + (1 - s_beta) * np.square(grads[dkey])
        v_corrected[dkey] = new_v[dkey] / (1 - beta1**t_correction)
        s_corrected[dkey] = new_s[dkey] / (1 - beta2**t_correction)
        numerator, s_used = {
            "corrected": (v_corrected[dkey], s_corrected[dkey]),
            "uncorrected": (new_v[dkey], new_s[dkey]),
            "gradient": (grads[dkey], s_corrected[dkey]),
        }[step_with]
        new_parameters[key] = parameters[key] - learning_rate * numerator / denominator(s_used)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake("update_parameters_with_adam", "missing_one_minus_beta1")
def _adam_no_factor(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, v_weight=1.0)


@mistake("update_parameters_with_adam", "s_with_beta1")
def _adam_s_beta1(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, s_beta=beta1)


@mistake("update_parameters_with_adam", "t_from_zero")
def _adam_t_plus_one(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, t_correction=t + 1)


@mistake("update_parameters_with_adam", "stepped_with_uncorrected")
def _adam_uncorrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, step_with="uncorrected")


@mistake("update_parameters_with_adam", "stepped_with_gradient")
def _adam_gradient(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, step_with="gradient")


@mistake("update_parameters_with_adam", "epsilon_inside_sqrt")
def _adam_eps_inside(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 denominator=lambda s_value: np.sqrt(s_value + epsilon))


@mistake("update_parameters_with_adam", "corrected_moments_stored")
def _adam_stores_corrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, _, _, v_corrected, s_corrected = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                           epsilon)
    return new_parameters, v_corrected, s_corrected, v_corrected, s_corrected


@mistake("update_parameters_with_adam", "three_values_returned")
def _adam_three(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)[:3]


@mistake("update_parameters_with_adam", "mutates_input")
def _adam_in_place(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    v_corrected, s_corrected = {}, {}
    for key in parameters:
        dkey = "d" + key
        v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
        s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
        v_corrected[dkey] = v[dkey] / (1 - beta1**t)
        s_corrected[dkey] = s[dkey] / (1 - beta2**t)
        parameters[key] -= learning_rate * v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
    return parameters, v, s, v_corrected, s_corrected
