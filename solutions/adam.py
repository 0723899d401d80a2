"""Notebook 06: Adam (momentum + RMSprop + bias correction)."""

import numpy as np

from solutions._layers import parameter_keys, zeros_like_grads


def initialize_adam(parameters):
    """Zero first and second moments.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` of shape ``(n1, n0)``, ``"b1"`` of shape ``(n1, 1)``, ...

    Returns
    -------
    v : dict
        First moment, keyed like ``grads``, zeros.
    s : dict
        Second moment, keyed like ``grads``, zeros.
    """
    return zeros_like_grads(parameters), zeros_like_grads(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One Adam step.

    ``v = beta1 v + (1 - beta1) dW``, ``s = beta2 s + (1 - beta2) dW**2``,
    ``v_corrected = v / (1 - beta1**t)``, ``s_corrected = s / (1 - beta2**t)``,
    ``W = W - learning_rate v_corrected / (sqrt(s_corrected) + epsilon)``.

    Parameters
    ----------
    parameters, grads : dict
        Parameters ``"W1"``, ``"b1"``, ... and gradients ``"dW1"``, ``"db1"``, ...
    v, s : dict
        First and second moments, keyed like ``grads``.
    t : int
        Step counter, 1 on the first update.
    learning_rate : float, default 0.01
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
        Added outside the square root.

    Returns
    -------
    parameters, v, s, v_corrected, s_corrected : dict
        New dicts; the inputs are not modified.
    """
    keys = list(parameter_keys(parameters))
    new_v = {dkey: beta1 * v[dkey] + (1 - beta1) * grads[dkey] for _, dkey in keys}
    new_s = {dkey: beta2 * s[dkey] + (1 - beta2) * np.square(grads[dkey]) for _, dkey in keys}
    v_corrected = {dkey: new_v[dkey] / (1 - beta1**t) for _, dkey in keys}
    s_corrected = {dkey: new_s[dkey] / (1 - beta2**t) for _, dkey in keys}
    new_parameters = {
        key: parameters[key] - learning_rate * v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
        for key, dkey in keys
    }
    return new_parameters, new_v, new_s, v_corrected, s_corrected
