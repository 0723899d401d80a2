"""Notebook 07's checks accept equivalent ways of writing the schedules and explain scalar-only code."""

import math

import numpy as np
import pytest

from optim_helpers.checks import check


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


def inverse_sqrt_decay(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 * k * np.power(epoch_num, -0.5)


def exponential_decay(learning_rate0, epoch_num, base=0.95):
    return learning_rate0 * np.exp(epoch_num * np.log(base))


@pytest.mark.parametrize("variant", [schedule_lr_decay, inverse_sqrt_decay, exponential_decay])
def test_equivalent_implementations_pass(variant, capsys):
    check(variant)
    assert "✔" in capsys.readouterr().out


def test_scalar_only_floor_is_explained():
    def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))

    with pytest.raises(AssertionError, match=r"works for one epoch but not for an array of epochs: math.floor"):
        check(schedule_lr_decay)
