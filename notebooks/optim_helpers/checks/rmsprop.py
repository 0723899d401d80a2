"""Checks for notebook 05: RMSprop."""

from optim_helpers.checks._core import exercise
from optim_helpers.checks._states import zero_state_mistakes

RMSPROP_MISTAKES = {
    "missing_one_minus_beta": "updated s with β₂·s + dW², without the (1 − β₂) factor: "
    "use s = β₂·s + (1 − β₂)·dW².",
    "swapped_weights": "swapped the weights: it computed s = (1 − β₂)·s + β₂·dW². "
    "The old average keeps the large weight β₂: s = β₂·s + (1 − β₂)·dW².",
    "epsilon_inside_sqrt": "added ε inside the square root; add it outside: W = W − α·dW / (√s + ε).",
    "missing_sqrt": "divided by s + ε; divide by the root mean square: W = W − α·dW / (√s + ε), "
    "with np.sqrt(s).",
    "divided_by_old_s": "divided by the old s; update s first, then step with the new one: "
    "W = W − α·dW / (√s + ε).",
    "ignores_epsilon_argument": "ignored the epsilon argument (it used a fixed number); "
    "use the epsilon the caller passes (1e-8 is only its default).",
    "s_not_returned": "returned the s it was given, not the updated one; return the new s "
    "so the next step can build on it.",
}


@exercise("initialize_rmsprop", zero_state_mistakes("s"))
def check_initialize_rmsprop(runner):
    runner.expect_all()


@exercise("update_parameters_with_rmsprop", RMSPROP_MISTAKES)
def check_update_parameters_with_rmsprop(runner):
    runner.expect_all()
