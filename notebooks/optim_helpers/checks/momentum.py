"""Checks for notebook 04: gradient descent with momentum."""

from optim_helpers.checks._core import exercise
from optim_helpers.checks._states import zero_state_mistakes

MOMENTUM_MISTAKES = {
    "missing_one_minus_beta": "updated v with β·v + dW, without the (1 − β) factor: "
    "use v = β·v + (1 − β)·dW (the variant without it needs a learning rate (1 − β) times smaller).",
    "swapped_weights": "swapped the weights: it computed v = (1 − β)·v + β·dW. "
    "The old velocity keeps the large weight β: v = β·v + (1 − β)·dW.",
    "stepped_with_old_velocity": "moved the parameters with the old velocity; update v first, "
    "then step with the new one: W = W − α·v.",
    "stepped_with_gradient": "moved the parameters with the gradient (W − α·dW, plain gradient descent); "
    "momentum steps with the velocity: W = W − α·v.",
    "added_velocity": "added the velocity: W = W + α·v climbs the cost. Subtract it: W = W − α·v.",
    "velocity_not_returned": "returned the velocity it was given, not the updated one; return the new v "
    "so the next step can build on it.",
    "last_layer_skipped": "did not update the last layer: with L = len(parameters) // 2 layers, "
    "loop over l = 1 … L, i.e. range(1, L + 1).",
}


@exercise("initialize_velocity", zero_state_mistakes("v"))
def check_initialize_velocity(runner):
    runner.expect_all()


@exercise("update_parameters_with_momentum", MOMENTUM_MISTAKES)
def check_update_parameters_with_momentum(runner):
    runner.expect_all()
