"""Checks for notebook 07: learning-rate decay schedules."""

import numpy as np

from optim_helpers.checks._core import exercise

UPDATE_LR_MISTAKES = {
    "no_parentheses": "computed learning_rate0 / 1 + decay_rate · epoch_num: the whole "
    "1 + decay_rate · epoch_num belongs in the denominator, so put it in parentheses.",
    "misgrouped": "computed learning_rate0 / (1 + decay_rate) · epoch_num: epoch_num belongs inside the "
    "denominator, α = α₀ / (1 + decay_rate · epoch_num).",
    "multiplied": "multiplied α₀ by (1 + decay_rate · epoch_num), so the rate grows; divide by it instead.",
    "missing_one": "dropped the 1 in the denominator: α = α₀ / (1 + decay_rate · epoch_num) "
    "(at epoch 0 the rate is α₀, not infinite).",
    "epoch_from_one": "used epoch_num + 1: the formula takes epoch_num as it is "
    "(epoch 0 gives α₀, epoch 1 with decay_rate = 1 gives α₀/2).",
}

SCHEDULE_MISTAKES = {
    "round": "rounded epoch_num / time_interval to the nearest whole number; the staircase uses the floor "
    "(epoch 150 with time_interval 100 is still on step 1, not step 2): use np.floor.",
    "round_up": "rounded epoch_num / time_interval up (ceil); the staircase uses the floor: "
    "epochs 0 … time_interval − 1 keep α₀. Use np.floor.",
    "no_floor": "used epoch_num / time_interval without the floor, so the rate decays smoothly; "
    "the staircase only changes every time_interval epochs: use np.floor(epoch_num / time_interval).",
    "ignores_interval": "ignored time_interval and decayed every epoch (that is update_lr); "
    "use np.floor(epoch_num / time_interval) in place of epoch_num.",
    "epoch_from_one": "used epoch_num + 1: the first step down happens at epoch_num = time_interval, "
    "not one epoch earlier.",
    "no_parentheses": "computed learning_rate0 / 1 + decay_rate · ⌊epoch_num / time_interval⌋: "
    "put the whole 1 + decay_rate · ⌊…⌋ in parentheses, in the denominator.",
}

EXPONENTIAL_MISTAKES = {
    "exponent_on_alpha0": "raised α₀ to the power epoch_num; the exponent belongs on the base: "
    "α = base^epoch_num · α₀.",
    "multiplied_by_epoch": "multiplied by base · epoch_num; raise base to the power epoch_num instead.",
    "epoch_from_one": "used base^(epoch_num + 1): at epoch 0 the rate is α₀ itself.",
    "one_minus_base": "used (1 − base)^epoch_num; base is already the fraction kept each epoch "
    "(0.95 keeps 95 %): α = base^epoch_num · α₀.",
    "missing_alpha0": "returned base^epoch_num without multiplying by learning_rate0.",
}

INVERSE_SQRT_MISTAKES = {
    "missing_alpha0": "returned k/√epoch_num without multiplying by learning_rate0.",
    "no_sqrt": "divided by epoch_num instead of its square root: α = k/√epoch_num · α₀.",
    "k_under_root": "put k under the square root; the formula is α = k/√epoch_num · α₀, "
    "with k outside the root.",
    "divides_by_k": "divided by k; k multiplies: α = k/√epoch_num · α₀.",
    "epoch_from_zero": "used epoch_num + 1: this schedule counts epochs from 1 "
    "(epoch_num = 1 gives k · α₀).",
}


def _handles_arrays(runner, fn_args, expected_length):
    rates = runner.call(*fn_args)
    runner.require(
        np.shape(rates) == (expected_length,),
        f"should return one rate per epoch when epoch_num is an array of {expected_length} epochs, "
        f"got shape {np.shape(rates)}. Use NumPy operations (np.floor, np.sqrt, **) that work on arrays.",
    )


@exercise("update_lr", UPDATE_LR_MISTAKES)
def check_update_lr(runner):
    runner.expect_all()
    table = [float(runner.call(0.2, epoch, 1)) for epoch in (1, 2, 3, 4)]
    runner.require(
        np.allclose(table, [0.1, 0.2 / 3, 0.05, 0.04]),
        f"should reproduce the lecture's table: α₀ = 0.2, decay_rate = 1 gives 0.1, 0.067, 0.05, 0.04 "
        f"for epochs 1 … 4; got {', '.join(f'{rate:.3g}' for rate in table)}.",
    )
    _handles_arrays(runner, (0.2, np.arange(5), 1), 5)


@exercise("schedule_lr_decay", SCHEDULE_MISTAKES)
def check_schedule_lr_decay(runner):
    runner.expect_all()
    rates = runner.call(0.1, np.arange(0, 300), 1, time_interval=100)
    runner.require(
        np.shape(rates) == (300,) and len(np.unique(np.round(rates, 12))) == 3,
        "should take exactly three values over epochs 0 … 299 with time_interval = 100 "
        "(α₀, α₀/2, α₀/3): a staircase with one step every time_interval epochs.",
    )


@exercise("exponential_decay", EXPONENTIAL_MISTAKES)
def check_exponential_decay(runner):
    runner.expect_all()
    runner.require(
        np.isclose(float(runner.call(0.2, 0)), 0.2),
        "should return α₀ at epoch 0 (base⁰ = 1).",
    )
    _handles_arrays(runner, (0.2, np.arange(7)), 7)


@exercise("inverse_sqrt_decay", INVERSE_SQRT_MISTAKES)
def check_inverse_sqrt_decay(runner):
    runner.expect_all()
    runner.require(
        np.isclose(float(runner.call(0.2, 4, k=1.0)), 0.1),
        "should halve α₀ at epoch 4 with k = 1 (1/√4 = 1/2).",
    )
    _handles_arrays(runner, (0.2, np.arange(1, 8)), 7)
