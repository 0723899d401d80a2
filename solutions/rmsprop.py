"""Notebook 05: RMSprop."""

import numpy as np

from solutions._layers import parameter_keys, zeros_like_grads


def initialize_rmsprop(parameters):
    """Zero squared-gradient average for every parameter.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` of shape ``(n1, n0)``, ``"b1"`` of shape ``(n1, 1)``, ...

    Returns
    -------
    dict
        ``s`` keyed like ``grads`` (``"dW1"``, ``"db1"``, ...), zeros.
    """
    return zeros_like_grads(parameters)


def update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    """One RMSprop step.

    ``s = beta2 s + (1 - beta2) dW**2``; ``W = W - learning_rate dW / (sqrt(s) + epsilon)``.

    Parameters
    ----------
    parameters : dict
        ``"W1"``, ``"b1"``, ...
    grads : dict
        ``"dW1"``, ``"db1"``, ... shaped like the parameters.
    s : dict
        Running average of squared gradients, keyed like ``grads``.
    beta2 : float
        Typically 0.999.
    learning_rate : float
    epsilon : float, default 1e-8
        Added outside the square root so a zero ``s`` cannot divide by zero.

    Returns
    -------
    parameters : dict
    s : dict
    """
    new_s = {dkey: beta2 * s[dkey] + (1 - beta2) * np.square(grads[dkey]) for _, dkey in parameter_keys(parameters)}
    new_parameters = {
        key: parameters[key] - learning_rate * grads[dkey] / (np.sqrt(new_s[dkey]) + epsilon)
        for key, dkey in parameter_keys(parameters)
    }
    return new_parameters, new_s
