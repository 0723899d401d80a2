"""Notebook 07: learning-rate decay schedules.

Every schedule maps ``(learning_rate0, epoch_num, ...)`` to the learning rate
used in that epoch; ``epoch_num`` may be a scalar or an array of epochs.
"""

import numpy as np


def update_lr(learning_rate0, epoch_num, decay_rate):
    """``learning_rate0 / (1 + decay_rate * epoch_num)``.

    Parameters
    ----------
    learning_rate0 : float
        alpha_0, the rate at epoch 0.
    epoch_num : int or ndarray
    decay_rate : float

    Returns
    -------
    float or ndarray
    """
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Staircase decay: ``learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))``.

    Parameters
    ----------
    learning_rate0 : float
    epoch_num : int or ndarray
    decay_rate : float
    time_interval : int, default 1000
        Epochs per step of the staircase.

    Returns
    -------
    float or ndarray
    """
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))


def exponential_decay(learning_rate0, epoch_num, base=0.95):
    """``base**epoch_num * learning_rate0``.

    Parameters
    ----------
    learning_rate0 : float
    epoch_num : int or ndarray
    base : float, default 0.95

    Returns
    -------
    float or ndarray
    """
    return base**epoch_num * learning_rate0


def inverse_sqrt_decay(learning_rate0, epoch_num, k=1.0):
    """``k / sqrt(epoch_num) * learning_rate0`` (defined for ``epoch_num >= 1``).

    Parameters
    ----------
    learning_rate0 : float
    epoch_num : int or ndarray
        Epochs counted from 1.
    k : float, default 1.0

    Returns
    -------
    float or ndarray
    """
    return k / np.sqrt(epoch_num) * learning_rate0
