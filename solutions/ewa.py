"""Notebooks 02 and 03: exponentially weighted averages and bias correction."""

import numpy as np


def ewa(theta, beta):
    """Exponentially weighted average ``v_t = beta v_{t-1} + (1 - beta) theta_t``, ``v_0 = 0``.

    Parameters
    ----------
    theta : array_like of shape (T,)
        The series theta_1 ... theta_T.
    beta : float
        Weight of the past, ``0 <= beta < 1``.

    Returns
    -------
    ndarray of shape (T,)
        ``v_1 ... v_T`` (``v_0`` is not included).
    """
    theta = np.asarray(theta, dtype=float)
    v = np.empty_like(theta)
    previous = 0.0
    for t, value in enumerate(theta):
        previous = beta * previous + (1 - beta) * value
        v[t] = previous
    return v


def effective_window(beta):
    """How many recent values an EWA with this ``beta`` roughly averages: ``1 / (1 - beta)``.

    Parameters
    ----------
    beta : float
        ``0 <= beta < 1``.

    Returns
    -------
    float
    """
    return 1.0 / (1.0 - beta)


def ewa_bias_corrected(theta, beta):
    """EWA with bias correction: ``v_t / (1 - beta**t)`` for ``t = 1 ... T``.

    Parameters
    ----------
    theta : array_like of shape (T,)
    beta : float
        ``0 <= beta < 1``.

    Returns
    -------
    ndarray of shape (T,)
    """
    v = ewa(theta, beta)
    t = np.arange(1, v.size + 1)
    return v / (1 - beta**t)
