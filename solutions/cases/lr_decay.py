"""Cases and known mistakes for notebook 07: update_lr, schedule_lr_decay, exponential_decay,
inverse_sqrt_decay.

Every schedule takes a scalar epoch or an array of epochs, so the cases use both.
"""

import math

import numpy as np

from solutions.cases import cases_for, mistake


def _rate(rng):
    return float(rng.uniform(0.01, 0.5))


@cases_for("update_lr", returns=("the learning rate",))
def update_lr_cases(rng):
    return [
        *[((0.2, epoch, 1), {}) for epoch in (1, 2, 3, 4)],  # the lecture's table
        ((0.2, 0, 1), {}),
        ((_rate(rng), int(rng.integers(5, 50)), float(rng.uniform(0.1, 2))), {}),
        ((_rate(rng), np.arange(0, 10), float(rng.uniform(0.1, 2))), {}),
        ((_rate(rng), rng.integers(1, 1000, size=4), 0.01), {}),
    ]


@cases_for("schedule_lr_decay", returns=("the learning rate",))
def schedule_lr_decay_cases(rng):
    return [
        ((0.1, 150, 1), {"time_interval": 100}),  # 1.5 steps: floor 1, round 2
        ((0.1, 120, 1, 100), {}),
        ((0.1, 99, 1), {"time_interval": 100}),  # the last epoch of the first step
        ((0.2, 299, 0.5), {"time_interval": 300}),  # the same with decay_rate ≠ 1: (epoch + 1) steps down here
        ((0.1, 200, 1), {"time_interval": 100}),  # exactly on a step: floor(2.0) = 2
        ((0.1, np.arange(0, 300), 1), {"time_interval": 100}),  # three values: α₀, α₀/2, α₀/3
        ((0.1, 1700, 1), {}),  # default interval 1000
        ((0.3, 2500, 0.5), {}),
        ((0.1, 0, 1), {}),
        ((_rate(rng), int(rng.integers(0, 5000)), float(rng.uniform(0.2, 2))), {"time_interval": 300}),
        ((_rate(rng), np.arange(0, 5000, 250), 1), {}),
        ((_rate(rng), rng.integers(0, 2000, size=5), float(rng.uniform(0.2, 2))), {"time_interval": 200}),
    ]


@cases_for("exponential_decay", returns=("the learning rate",))
def exponential_decay_cases(rng):
    return [
        ((0.2, 0), {}),
        ((0.2, 1), {}),
        ((0.2, 10), {}),
        ((_rate(rng), int(rng.integers(2, 30))), {"base": float(rng.uniform(0.5, 0.99))}),
        ((_rate(rng), np.arange(0, 12)), {"base": 0.9}),
        ((_rate(rng), np.arange(1, 6), float(rng.uniform(0.5, 0.99))), {}),
    ]


@cases_for("inverse_sqrt_decay", returns=("the learning rate",))
def inverse_sqrt_decay_cases(rng):
    return [
        ((0.2, 1), {}),
        ((0.2, 4), {}),
        ((0.2, 100), {"k": 0.5}),
        ((_rate(rng), int(rng.integers(2, 500))), {"k": float(rng.uniform(0.2, 3))}),
        ((_rate(rng), np.arange(1, 11)), {}),
        ((_rate(rng), np.arange(1, 40, 3), float(rng.uniform(0.2, 3))), {}),
    ]


@mistake("update_lr", "no_parentheses",
         "computed learning_rate0 / 1 + decay_rate · epoch_num: the whole 1 + decay_rate · epoch_num belongs "
         "in the denominator, so put it in parentheses.")
def _update_lr_no_parentheses(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / 1 + decay_rate * epoch_num


@mistake("update_lr", "misgrouped",
         "computed learning_rate0 / (1 + decay_rate) · epoch_num: epoch_num belongs inside the denominator, α"
         " = α₀ / (1 + decay_rate · epoch_num).")
def _update_lr_misgrouped(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate) * epoch_num


@mistake("update_lr", "multiplied",
         "multiplied α₀ by (1 + decay_rate · epoch_num), so the rate grows; divide by it instead.")
def _update_lr_multiplied(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 * (1 + decay_rate * epoch_num)


@mistake("update_lr", "missing_one",
         "dropped the 1 in the denominator: α = α₀ / (1 + decay_rate · epoch_num) (at epoch 0 the rate is α₀,"
         " not infinite).")
def _update_lr_missing_one(learning_rate0, epoch_num, decay_rate):
    with np.errstate(divide="ignore"):
        return learning_rate0 / (decay_rate * np.asarray(epoch_num, dtype=float))


@mistake("update_lr", "epoch_from_one",
         "used epoch_num + 1: the formula takes epoch_num as it is (epoch 0 gives α₀, epoch 1 with decay_rate"
         " = 1 gives α₀/2).")
def _update_lr_epoch_from_one(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * (epoch_num + 1))


# When several mistakes explain every failing case, check() names the first registered: round (and
# epoch_from_one) fail only where round_up gives the same number, so they come before it.
@mistake("schedule_lr_decay", "epoch_from_one",
         "used epoch_num + 1: the first step down happens at epoch_num = time_interval, not one epoch "
         "earlier.")
def _schedule_epoch_from_one(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.floor((epoch_num + 1) / time_interval))


@mistake("schedule_lr_decay", "round",
         "rounded epoch_num / time_interval to the nearest whole number; the staircase uses the floor (epoch "
         "150 with time_interval 100 is still on step 1, not step 2): use np.floor.")
def _schedule_round(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.round(epoch_num / time_interval))


@mistake("schedule_lr_decay", "round_up",
         "rounded epoch_num / time_interval up (ceil); the staircase uses the floor: epochs 0 … time_interval"
         " − 1 keep α₀. Use np.floor.")
def _schedule_ceil(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.ceil(epoch_num / time_interval))


@mistake("schedule_lr_decay", "no_floor",
         "used epoch_num / time_interval without the floor, so the rate decays smoothly; the staircase only "
         "changes every time_interval epochs: use np.floor(epoch_num / time_interval).")
def _schedule_no_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


@mistake("schedule_lr_decay", "ignores_interval",
         "ignored time_interval and decayed every epoch (that is update_lr); use np.floor(epoch_num / "
         "time_interval) in place of epoch_num.")
def _schedule_ignores_interval(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num)


@mistake("schedule_lr_decay", "no_parentheses",
         "computed learning_rate0 / 1 + decay_rate · ⌊epoch_num / time_interval⌋: put the whole 1 + "
         "decay_rate · ⌊…⌋ in parentheses, in the denominator.")
def _schedule_no_parentheses(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / 1 + decay_rate * np.floor(epoch_num / time_interval)


@mistake("schedule_lr_decay", "keras_exponential_staircase",
         "followed Keras's ExponentialDecay(staircase=True), α₀·decay_rate^⌊epoch_num / time_interval⌋; this "
         "schedule divides by a staircase that grows by decay_rate each step (Keras's InverseTimeDecay with "
         "staircase=True): α = α₀ / (1 + decay_rate·⌊epoch_num / time_interval⌋).")
def _schedule_keras_exponential(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * decay_rate ** np.floor(epoch_num / time_interval)


@mistake("schedule_lr_decay", "keras_step_decay",
         "followed the step decay of Keras's LearningRateScheduler examples, α₀·drop^⌊(1 + epoch) / "
         "epochs_drop⌋, with decay_rate as the drop; this schedule divides: "
         "α = α₀ / (1 + decay_rate·⌊epoch_num / time_interval⌋), with epoch_num as it is.")
def _schedule_keras_step(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * decay_rate ** np.floor((1 + epoch_num) / time_interval)


@mistake("exponential_decay", "exponent_on_alpha0",
         "raised α₀ to the power epoch_num; the exponent belongs on the base: α = base^epoch_num · α₀.")
def _exponential_exponent_on_alpha0(learning_rate0, epoch_num, base=0.95):
    return base * learning_rate0**epoch_num


@mistake("exponential_decay", "multiplied_by_epoch",
         "multiplied by base · epoch_num; raise base to the power epoch_num instead.")
def _exponential_multiplied(learning_rate0, epoch_num, base=0.95):
    return base * epoch_num * learning_rate0


@mistake("exponential_decay", "epoch_from_one",
         "used base^(epoch_num + 1): at epoch 0 the rate is α₀ itself.")
def _exponential_epoch_from_one(learning_rate0, epoch_num, base=0.95):
    return base ** (epoch_num + 1) * learning_rate0


@mistake("exponential_decay", "one_minus_base",
         "used (1 − base)^epoch_num; base is already the fraction kept each epoch (0.95 keeps 95 %): α = "
         "base^epoch_num · α₀.")
def _exponential_one_minus_base(learning_rate0, epoch_num, base=0.95):
    return (1 - base) ** epoch_num * learning_rate0


@mistake("exponential_decay", "missing_alpha0",
         "returned base^epoch_num without multiplying by learning_rate0.")
def _exponential_missing_alpha0(learning_rate0, epoch_num, base=0.95):
    return base**epoch_num


@mistake("inverse_sqrt_decay", "missing_alpha0",
         "returned k/√epoch_num without multiplying by learning_rate0.")
def _inverse_sqrt_missing_alpha0(learning_rate0, epoch_num, k=1.0):
    return k / np.sqrt(epoch_num)


@mistake("inverse_sqrt_decay", "no_sqrt",
         "divided by epoch_num instead of its square root: α = k/√epoch_num · α₀.")
def _inverse_sqrt_no_sqrt(learning_rate0, epoch_num, k=1.0):
    return k / epoch_num * learning_rate0


@mistake("inverse_sqrt_decay", "k_under_root",
         "put k under the square root; the formula is α = k/√epoch_num · α₀, with k outside the root.")
def _inverse_sqrt_k_under_root(learning_rate0, epoch_num, k=1.0):
    return np.sqrt(k / epoch_num) * learning_rate0


@mistake("inverse_sqrt_decay", "divides_by_k",
         "divided by k; k multiplies: α = k/√epoch_num · α₀.")
def _inverse_sqrt_divides_by_k(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 / (k * np.sqrt(epoch_num))


@mistake("inverse_sqrt_decay", "epoch_from_zero",
         "used epoch_num + 1: this schedule counts epochs from 1 (epoch_num = 1 gives k · α₀).")
def _inverse_sqrt_epoch_from_zero(learning_rate0, epoch_num, k=1.0):
    return k / np.sqrt(epoch_num + 1) * learning_rate0


# Scalar-only versions: right for one epoch, a TypeError for the notebook's array of epochs.
SCALAR_ONLY = ("works for one epoch but not for an array of epochs: {function} takes a single number, and the "
               "notebook calls your function with epoch_num = np.arange(...). Use {instead}, which works on a "
               "whole array of epochs at once.")


@mistake("update_lr", "scalar_only",
         SCALAR_ONLY.format(function="float(epoch_num)", instead="epoch_num as it is (no float(...) or int(...))"))
def _update_lr_scalar(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * float(epoch_num))


@mistake("schedule_lr_decay", "scalar_only",
         SCALAR_ONLY.format(function="math.floor (like int(...))",
                            instead="np.floor(epoch_num / time_interval) or epoch_num // time_interval"))
def _schedule_scalar(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))


@mistake("exponential_decay", "scalar_only",
         SCALAR_ONLY.format(function="math.pow", instead="base ** epoch_num (or np.power)"))
def _exponential_scalar(learning_rate0, epoch_num, base=0.95):
    return math.pow(base, epoch_num) * learning_rate0


@mistake("inverse_sqrt_decay", "scalar_only",
         SCALAR_ONLY.format(function="math.sqrt", instead="np.sqrt(epoch_num)"))
def _inverse_sqrt_scalar(learning_rate0, epoch_num, k=1.0):
    return k / math.sqrt(epoch_num) * learning_rate0
