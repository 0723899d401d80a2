"""Cases and known mistakes for notebook 06: initialize_adam, update_parameters_with_adam."""

import numpy as np

from solutions._layers import zeros_like_grads
from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import LAST_LAYER_SKIPPED, WRONG_STATES, zero_state_cases

# --- initialize_adam ----------------------------------------------------------------------------


@cases_for("initialize_adam", returns=("v", "s"))
def initialize_adam_cases(rng):
    return zero_state_cases(rng)


def _both_states_wrong(wrong):
    def initialize_adam(parameters):
        return wrong(parameters), wrong(parameters)

    return initialize_adam


# The zero-state mistakes of initialize_velocity, made in v and s alike.
BOTH_STATES_SENTENCES = {
    "keys_like_parameters": "keyed v and s like the parameters (\"W1\", \"b1\", ...); key them like the "
    "gradients: v[\"dW1\"], v[\"db1\"], ..., and the same for s.",
    "transposed_shape": "gave v[\"dW1\"] and s[\"dW1\"] the transposed shape; each entry has exactly the "
    "shape of its parameter: np.zeros_like(parameters[\"W\" + str(l)]).",
    "last_layer_skipped": LAST_LAYER_SKIPPED,
}
for _mistake_id, _sentence in BOTH_STATES_SENTENCES.items():
    mistake("initialize_adam", _mistake_id, _sentence)(_both_states_wrong(WRONG_STATES[_mistake_id]))


@mistake("initialize_adam", "s_starts_at_one",
         "started s at ones; both moments start at zeros (np.zeros_like): bias correction is what makes up "
         "for the zero start.")
def _adam_init_s_ones(parameters):
    return zeros_like_grads(parameters), WRONG_STATES["ones"](parameters)


@mistake("initialize_adam", "one_dict_returned",
         "returned one dict; return two, the first and the second moment: v, s = initialize_adam(parameters).")
def _adam_init_one(parameters):
    return zeros_like_grads(parameters)


@mistake("initialize_adam", "same_dict",
         "returned the same dict twice (v and s are one object, e.g. after v = s = {}); build two separate "
         "dicts, or every update of v would also change s.")
def _adam_init_same_dict(parameters):
    v = zeros_like_grads(parameters)
    return v, v


@mistake("initialize_adam", "shared_arrays",
         "put the same arrays in v and in s (e.g. one np.zeros(...) stored in both); give each its own "
         "np.zeros_like(...), or an in-place update of one would change the other.")
def _adam_init_shared_arrays(parameters):
    v = zeros_like_grads(parameters)
    return v, dict(v)


# --- update_parameters_with_adam ----------------------------------------------------------------


@cases_for("update_parameters_with_adam", returns=("parameters", "v", "s", "v_corrected", "s_corrected"))
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
          v_weights=None, s_weights=None, correction=None, s_correction_beta=None, step_with="corrected",
          denominator=None):
    """Adam with one knob turned: returns ``(parameters, v, s, v_corrected, s_corrected)``.

    ``v_weights`` and ``s_weights`` are the (old, new) weights of each moment's average;
    ``correction(beta, t)`` is the divisor of the bias correction.
    """
    v_old, v_new = (beta1, 1 - beta1) if v_weights is None else v_weights
    s_old, s_new = (beta2, 1 - beta2) if s_weights is None else s_weights
    correction = correction or (lambda beta, step: 1 - beta**step)
    s_correction_beta = beta2 if s_correction_beta is None else s_correction_beta
    denominator = denominator or (lambda s_value: np.sqrt(s_value) + epsilon)
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for key in parameters:
        dkey = "d" + key
        new_v[dkey] = v_old * v[dkey] + v_new * grads[dkey]
        new_s[dkey] = s_old * s[dkey] + s_new * np.square(grads[dkey])
        with np.errstate(divide="ignore", invalid="ignore"):
            v_corrected[dkey] = new_v[dkey] / correction(beta1, t)
            s_corrected[dkey] = new_s[dkey] / correction(s_correction_beta, t)
            numerator, s_used = {
                "corrected": (v_corrected[dkey], s_corrected[dkey]),
                "uncorrected": (new_v[dkey], new_s[dkey]),
                "gradient": (grads[dkey], s_corrected[dkey]),
            }[step_with]
            new_parameters[key] = parameters[key] - learning_rate * numerator / denominator(s_used)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


def register_adam_mistake(mistake_id, sentence, knobs):
    """Register the Adam variant ``_adam(..., **knobs(beta1, beta2, epsilon))`` as the mistake ``mistake_id``."""

    def wrong(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **knobs(beta1, beta2, epsilon))

    mistake("update_parameters_with_adam", mistake_id, sentence)(wrong)


register_adam_mistake(
    "missing_one_minus_beta1",
    "updated v with β₁·v + dW, without the (1 − β₁) factor: use v = β₁·v + (1 − β₁)·dW.",
    lambda b1, b2, eps: dict(v_weights=(b1, 1.0)))
register_adam_mistake(
    "v_beta_for_one_minus_beta",
    "used β₁ where 1 − β₁ belongs in the first moment: it computed v = β₁·v + β₁·dW. The new gradient gets "
    "the small weight: v = β₁·v + (1 − β₁)·dW.",
    lambda b1, b2, eps: dict(v_weights=(b1, b1)))
register_adam_mistake(
    "v_one_minus_beta_for_beta",
    "used 1 − β₁ where β₁ belongs in the first moment: it computed v = (1 − β₁)·v + (1 − β₁)·dW. The old "
    "average keeps the large weight: v = β₁·v + (1 − β₁)·dW.",
    lambda b1, b2, eps: dict(v_weights=(1 - b1, 1 - b1)))
register_adam_mistake(
    "v_swapped_weights",
    "swapped the weights of the first moment: it computed v = (1 − β₁)·v + β₁·dW; use v = β₁·v + (1 − β₁)·dW.",
    lambda b1, b2, eps: dict(v_weights=(1 - b1, b1)))
register_adam_mistake(
    "s_with_beta1",
    "built s with beta1; the second moment uses beta2: s = β₂·s + (1 − β₂)·dW².",
    lambda b1, b2, eps: dict(s_weights=(b1, 1 - b1)))
register_adam_mistake(
    "missing_one_minus_beta2",
    "updated s with β₂·s + dW², without the (1 − β₂) factor: use s = β₂·s + (1 − β₂)·dW².",
    lambda b1, b2, eps: dict(s_weights=(b2, 1.0)))
register_adam_mistake(
    "s_beta_for_one_minus_beta",
    "used β₂ where 1 − β₂ belongs in the second moment: it computed s = β₂·s + β₂·dW². The new squared "
    "gradient gets the small weight: s = β₂·s + (1 − β₂)·dW².",
    lambda b1, b2, eps: dict(s_weights=(b2, b2)))
register_adam_mistake(
    "s_one_minus_beta_for_beta",
    "used 1 − β₂ where β₂ belongs in the second moment: it computed s = (1 − β₂)·s + (1 − β₂)·dW². The old "
    "average keeps the large weight: s = β₂·s + (1 − β₂)·dW².",
    lambda b1, b2, eps: dict(s_weights=(1 - b2, 1 - b2)))
register_adam_mistake(
    "s_swapped_weights",
    "swapped the weights of the second moment: it computed s = (1 − β₂)·s + β₂·dW²; "
    "use s = β₂·s + (1 − β₂)·dW².",
    lambda b1, b2, eps: dict(s_weights=(1 - b2, b2)))
register_adam_mistake(
    "no_bias_correction",
    "forgot the bias correction: v_corrected and s_corrected equal v and s. Divide each by its correction, "
    "v_corrected = v / (1 − β₁^t) and s_corrected = s / (1 − β₂^t), and step with the corrected moments.",
    lambda b1, b2, eps: dict(correction=lambda beta, step: 1.0))
register_adam_mistake(
    "t_minus_one",
    "used t − 1 in the bias correction: at t = 1 that divides by 1 − β⁰ = 0 (hence nan and inf). t already "
    "counts from 1 on the first update: v_corrected = v / (1 − β₁^t), s_corrected = s / (1 − β₂^t).",
    lambda b1, b2, eps: dict(correction=lambda beta, step: 1 - beta ** (step - 1)))
register_adam_mistake(
    "t_plus_one",
    "used t + 1 in the bias correction, as if t started at 0; t already counts from 1 on the first update: "
    "v_corrected = v / (1 − β₁^t), s_corrected = s / (1 − β₂^t).",
    lambda b1, b2, eps: dict(correction=lambda beta, step: 1 - beta ** (step + 1)))
register_adam_mistake(
    "power_outside",
    "divided by (1 − β)^t; only β is raised to the power t: v / (1 − β₁^t), in Python 1 - beta1**t "
    "(** binds tighter than -).",
    lambda b1, b2, eps: dict(correction=lambda beta, step: (1 - beta) ** step))
register_adam_mistake(
    "s_corrected_with_beta1",
    "corrected s with beta1; each moment is corrected with its own β: s_corrected = s / (1 − β₂^t).",
    lambda b1, b2, eps: dict(s_correction_beta=b1))
register_adam_mistake(
    "stepped_with_uncorrected",
    "computed the bias-corrected moments but stepped with the uncorrected ones; "
    "W = W − α·v_corrected / (√s_corrected + ε).",
    lambda b1, b2, eps: dict(step_with="uncorrected"))
register_adam_mistake(
    "stepped_with_gradient",
    "stepped with the gradient dW instead of the first moment; W = W − α·v_corrected / (√s_corrected + ε).",
    lambda b1, b2, eps: dict(step_with="gradient"))
register_adam_mistake(
    "epsilon_inside_sqrt",
    "added ε inside the square root; add it outside: W = W − α·v_corrected / (√s_corrected + ε).",
    lambda b1, b2, eps: dict(denominator=lambda s_value: np.sqrt(s_value + eps)))


@mistake("update_parameters_with_adam", "epsilon_outside_fraction",
         "added ε to the parameters, not to the denominator: W − α·v_corrected/√s_corrected + ε is missing the "
         "parentheses of W = W − α·v_corrected / (√s_corrected + ε).")
def _adam_eps_outside(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, *states = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, 0.0)
    return ({key: value + epsilon for key, value in new_parameters.items()}, *states)


@mistake("update_parameters_with_adam", "corrected_moments_stored",
         "returned the bias-corrected moments as the new v and s; keep the uncorrected averages as the state "
         "(the correction is only for this step's update).")
def _adam_stores_corrected(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, _, _, v_corrected, s_corrected = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                           epsilon)
    return new_parameters, v_corrected, s_corrected, v_corrected, s_corrected


@mistake("update_parameters_with_adam", "three_values_returned",
         "returned three values; return five: parameters, v, s, v_corrected, s_corrected.")
def _adam_three(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)[:3]


@mistake("update_parameters_with_adam", "tensorflow_epsilon_hat",
         "followed TensorFlow's Adam, W = W − α·√(1 − β₂^t)/(1 − β₁^t)·v / (√s + ε̂), which adds its ε (the "
         "paper's ε-hat) to the uncorrected √s; this course adds ε to the corrected one: "
         "W = W − α·v_corrected / (√s_corrected + ε).")
def _adam_tensorflow(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    _, new_v, new_s, v_corrected, s_corrected = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2,
                                                      epsilon)
    rate = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    new_parameters = {key: parameters[key] - rate * new_v["d" + key] / (np.sqrt(new_s["d" + key]) + epsilon)
                      for key in parameters}
    return new_parameters, new_v, new_s, v_corrected, s_corrected


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
