"""Cases and known mistakes for notebook 07: update_lr, schedule_lr_decay, exponential_decay,
inverse_sqrt_decay.

Every schedule takes a scalar epoch or an array of epochs, so the cases use both.
"""

import numpy as np

from solutions.cases import cases_for, mistake


def _rate(rng):
    return float(rng.uniform(0.01, 0.5))


@cases_for("update_lr")
def update_lr_cases(rng):
    return [
        *[((0.2, epoch, 1), {}) for epoch in (1, 2, 3, 4)],  # the lecture's table
        ((0.2, 0, 1), {}),
        ((_rate(rng), int(rng.integers(5, 50)), float(rng.uniform(0.1, 2))), {}),
        ((_rate(rng), np.arange(0, 10), float(rng.uniform(0.1, 2))), {}),
        ((_rate(rng), rng.integers(1, 1000, size=4), 0.01), {}),
    ]


@cases_for("schedule_lr_decay")
def schedule_lr_decay_cases(rng):
    return [
        ((0.1, 150, 1), {"time_interval": 100}),  # 1.5 steps: floor 1, round 2
        ((0.1, 120, 1, 100), {}),
        ((0.1, 99, 1), {"time_interval": 100}),  # the last epoch of the first step
        ((0.1, 1700, 1), {}),  # default interval 1000
        ((0.3, 2500, 0.5), {}),
        ((0.1, 0, 1), {}),
        ((_rate(rng), int(rng.integers(0, 5000)), float(rng.uniform(0.2, 2))), {"time_interval": 300}),
        ((_rate(rng), np.arange(0, 5000, 250), 1), {}),
        ((_rate(rng), rng.integers(0, 2000, size=5), float(rng.uniform(0.2, 2))), {"time_interval": 200}),
    ]


@cases_for("exponential_decay")
def exponential_decay_cases(rng):
    return [
        ((0.2, 0), {}),
        ((0.2, 1), {}),
        ((0.2, 10), {}),
        ((_rate(rng), int(rng.integers(2, 30))), {"base": float(rng.uniform(0.5, 0.99))}),
        ((_rate(rng), np.arange(0, 12)), {"base": 0.9}),
        ((_rate(rng), np.arange(1, 6), float(rng.uniform(0.5, 0.99))), {}),
    ]


@cases_for("inverse_sqrt_decay")
def inverse_sqrt_decay_cases(rng):
    return [
        ((0.2, 1), {}),
        ((0.2, 4), {}),
        ((0.2, 100), {"k": 0.5}),
        ((_rate(rng), int(rng.integers(2, 500))), {"k": float(rng.uniform(0.2, 3))}),
        ((_rate(rng), np.arange(1, 11)), {}),
        ((_rate(rng), np.arange(1, 40, 3), float(rng.uniform(0.2, 3))), {}),
    ]


@mistake("update_lr", "no_parentheses")
def _update_lr_no_parentheses(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / 1 + decay_rate * epoch_num


@mistake("update_lr", "misgrouped")
def _update_lr_misgrouped(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate) * epoch_num


@mistake("update_lr", "multiplied")
def _update_lr_multiplied(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 * (1 + decay_rate * epoch_num)


@mistake("update_lr", "missing_one")
def _update_lr_missing_one(learning_rate0, epoch_num, decay_rate):
    with np.errstate(divide="ignore"):
        return learning_rate0 / (decay_rate * np.asarray(epoch_num, dtype=float))


@mistake("update_lr", "epoch_from_one")
def _update_lr_epoch_from_one(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * (epoch_num + 1))


# When several mistakes explain every failing case, check() names the first registered: round (and
# epoch_from_one) fail only where round_up gives the same number, so they come before it.
@mistake("schedule_lr_decay", "epoch_from_one")
def _schedule_epoch_from_one(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.floor((epoch_num + 1) / time_interval))


@mistake("schedule_lr_decay", "round")
def _schedule_round(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.round(epoch_num / time_interval))


@mistake("schedule_lr_decay", "round_up")
def _schedule_ceil(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.ceil(epoch_num / time_interval))


@mistake("schedule_lr_decay", "no_floor")
def _schedule_no_floor(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


@mistake("schedule_lr_decay", "ignores_interval")
def _schedule_ignores_interval(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num)


@mistake("schedule_lr_decay", "no_parentheses")
def _schedule_no_parentheses(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / 1 + decay_rate * np.floor(epoch_num / time_interval)


@mistake("exponential_decay", "exponent_on_alpha0")
def _exponential_exponent_on_alpha0(learning_rate0, epoch_num, base=0.95):
    return base * learning_rate0**epoch_num


@mistake("exponential_decay", "multiplied_by_epoch")
def _exponential_multiplied(learning_rate0, epoch_num, base=0.95):
    return base * epoch_num * learning_rate0


@mistake("exponential_decay", "epoch_from_one")
def _exponential_epoch_from_one(learning_rate0, epoch_num, base=0.95):
    return base ** (epoch_num + 1) * learning_rate0


@mistake("exponential_decay", "one_minus_base")
def _exponential_one_minus_base(learning_rate0, epoch_num, base=0.95):
    return (1 - base) ** epoch_num * learning_rate0


@mistake("exponential_decay", "missing_alpha0")
def _exponential_missing_alpha0(learning_rate0, epoch_num, base=0.95):
    return base**epoch_num


@mistake("inverse_sqrt_decay", "missing_alpha0")
def _inverse_sqrt_missing_alpha0(learning_rate0, epoch_num, k=1.0):
    return k / np.sqrt(epoch_num)


@mistake("inverse_sqrt_decay", "no_sqrt")
def _inverse_sqrt_no_sqrt(learning_rate0, epoch_num, k=1.0):
    return k / epoch_num * learning_rate0


@mistake("inverse_sqrt_decay", "k_under_root")
def _inverse_sqrt_k_under_root(learning_rate0, epoch_num, k=1.0):
    return np.sqrt(k / epoch_num) * learning_rate0


@mistake("inverse_sqrt_decay", "divides_by_k")
def _inverse_sqrt_divides_by_k(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 / (k * np.sqrt(epoch_num))


@mistake("inverse_sqrt_decay", "epoch_from_zero")
def _inverse_sqrt_epoch_from_zero(learning_rate0, epoch_num, k=1.0):
    return k / np.sqrt(epoch_num + 1) * learning_rate0
