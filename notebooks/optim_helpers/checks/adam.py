"""Checks for notebook 06: Adam."""

import numpy as np

from optim_helpers.checks._core import exercise, load_cases
from optim_helpers.checks._states import zero_state_mistakes

INITIALIZE_ADAM_MISTAKES = {
    "keys_like_parameters": "keyed v and s like the parameters (\"W1\", \"b1\", ...); key them like the "
    "gradients: v[\"dW1\"], v[\"db1\"], ..., and the same for s.",
    "transposed_shape": "gave v[\"dW1\"] and s[\"dW1\"] the transposed shape; each entry has exactly the "
    "shape of its parameter: np.zeros_like(parameters[\"W\" + str(l)]).",
    "last_layer_skipped": zero_state_mistakes("v")["last_layer_skipped"],
    "s_starts_at_one": "started s at ones; both moments start at zeros (np.zeros_like): "
    "bias correction is what makes up for the zero start.",
    "one_dict_returned": "returned one dict; return two, the first and the second moment: "
    "v, s = initialize_adam(parameters).",
    "same_dict": "returned the same dict twice (v and s are one object, e.g. after v = s = {}); "
    "build two separate dicts, or every update of v would also change s.",
    "shared_arrays": "put the same arrays in v and in s (e.g. one np.zeros(...) stored in both); "
    "give each its own np.zeros_like(...), or an in-place update of one would change the other.",
}

ADAM_MISTAKES = {
    "missing_one_minus_beta1": "updated v with β₁·v + dW, without the (1 − β₁) factor: "
    "use v = β₁·v + (1 − β₁)·dW.",
    "s_with_beta1": "built s with beta1; the second moment uses beta2: s = β₂·s + (1 − β₂)·dW².",
    "t_from_zero": "used 1 − β^(t+1) in the bias correction, as if t started at 0; t already counts "
    "from 1 on the first update: v_corrected = v / (1 − β₁^t), s_corrected = s / (1 − β₂^t).",
    "stepped_with_uncorrected": "computed the bias-corrected moments but stepped with the uncorrected ones; "
    "W = W − α·v_corrected / (√s_corrected + ε).",
    "stepped_with_gradient": "stepped with the gradient dW instead of the first moment; "
    "W = W − α·v_corrected / (√s_corrected + ε).",
    "epsilon_inside_sqrt": "added ε inside the square root; add it outside: "
    "W = W − α·v_corrected / (√s_corrected + ε).",
    "corrected_moments_stored": "returned the bias-corrected moments as the new v and s; keep the "
    "uncorrected averages as the state (the correction is only for this step's update).",
    "three_values_returned": "returned three values; return five: "
    "parameters, v, s, v_corrected, s_corrected.",
}


@exercise("initialize_adam", INITIALIZE_ADAM_MISTAKES)
def check_initialize_adam(runner):
    runner.expect_all()
    for case in load_cases("initialize_adam"):
        v, s = runner.call(*case["args"])
        runner.require(v is not s, INITIALIZE_ADAM_MISTAKES["same_dict"])
        runner.require(
            not any(np.shares_memory(v[key], s[key]) for key in v if key in s),
            INITIALIZE_ADAM_MISTAKES["shared_arrays"],
        )


@exercise("update_parameters_with_adam", ADAM_MISTAKES)
def check_update_parameters_with_adam(runner):
    runner.expect_all()
