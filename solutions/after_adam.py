"""Notebook 09: after Adam — AdamW, warm-up with cosine decay, clipping by the global norm, Lion.

Each follows the library the tests take their golden values from (tests/golden/after_adam.json):
``torch.optim.AdamW`` with no decay on the biases, transformers' ``get_cosine_schedule_with_warmup``,
``torch.nn.utils.clip_grad_norm_`` and lucidrains' ``lion-pytorch`` (the paper's pseudo-code).
"""

import numpy as np

from solutions._layers import parameter_keys
from solutions.adam import update_parameters_with_adam


def update_parameters_with_adamw(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8, weight_decay=0.01):
    """One AdamW step: Adam, then the decay of the weights, decoupled from the gradient.

    ``W = W - learning_rate (v_corrected / (sqrt(s_corrected) + epsilon) + weight_decay W)``;
    the biases ``b`` take the Adam step alone (Loshchilov and Hutter, ICLR 2019).

    Parameters
    ----------
    parameters, grads, v, s, t, beta1, beta2, epsilon
        As in :func:`solutions.adam.update_parameters_with_adam` (shapes, defaults).
    learning_rate : float, default 0.001
        PyTorch's default, where Adam's in this course is 0.01.
    weight_decay : float, default 0.01
        λ, multiplied by the learning rate; not applied to the biases.

    Returns
    -------
    parameters, v, s, v_corrected, s_corrected : dict
        New dicts; the inputs are not modified.
    """
    stepped, new_v, new_s, v_corrected, s_corrected = update_parameters_with_adam(
        parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    new_parameters = {
        key: stepped[key] - learning_rate * weight_decay * parameters[key] if key.startswith("W") else stepped[key]
        for key, _ in parameter_keys(parameters)
    }
    return new_parameters, new_v, new_s, v_corrected, s_corrected


def warmup_cosine_lr(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    """Linear warm-up from 0 to ``learning_rate0``, then cosine decay to ``min_lr`` at ``total_steps``.

    ``learning_rate0 * step / warmup_steps`` while ``step < warmup_steps``; then, with the progress
    ``p = (step - warmup_steps) / (total_steps - warmup_steps)`` held at 1 after ``total_steps``,
    ``min_lr + (learning_rate0 - min_lr) * (1 + cos(pi p)) / 2``.

    Parameters
    ----------
    learning_rate0 : float
        α₀, the peak rate, reached at ``step = warmup_steps``.
    step : int or ndarray
        Steps counted from 0.
    warmup_steps : int
    total_steps : int
        Greater than ``warmup_steps``.
    min_lr : float, default 0.0

    Returns
    -------
    float or ndarray
        Shaped like ``step``.
    """
    step = np.asarray(step, dtype=float)
    warming = learning_rate0 * step / max(warmup_steps, 1)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = min_lr + (learning_rate0 - min_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(step < warmup_steps, warming, cosine)[()]


def clip_by_global_norm(grads, max_norm):
    """Scale every gradient by one factor so that their global norm is at most ``max_norm``.

    ``total_norm = sqrt(sum of every squared entry of every array)``; each array is multiplied by
    ``min(1, max_norm / (total_norm + 1e-6))``.

    Parameters
    ----------
    grads : dict
        ``"dW1"``, ``"db1"``, ... of any shapes.
    max_norm : float

    Returns
    -------
    clipped_grads : dict
        New arrays, keyed like ``grads``.
    total_norm : float
        The global norm before clipping.
    """
    total_norm = float(np.sqrt(sum(np.sum(np.square(grad)) for grad in grads.values())))
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return {key: scale * grad for key, grad in grads.items()}, total_norm


def update_parameters_with_lion(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    """One Lion step (Chen et al., NeurIPS 2023): the sign of an interpolated momentum.

    ``c = beta1 m + (1 - beta1) dW``, ``W = W - learning_rate (sign(c) + weight_decay W)`` (no decay on
    the biases), then ``m = beta2 m + (1 - beta2) dW``.

    Parameters
    ----------
    parameters, grads : dict
        ``"W1"`` of shape ``(n1, n0)``, ``"b1"`` of shape ``(n1, 1)``, ... and ``"dW1"``, ``"db1"``, ...
    m : dict
        Momentum, keyed like ``grads``.
    learning_rate : float, default 1e-4
    beta1 : float, default 0.9
        Weight of the momentum in the direction of this step.
    beta2 : float, default 0.99
        Weight of the past in the momentum kept for the next step.
    weight_decay : float, default 0.0

    Returns
    -------
    parameters, m : dict
        New dicts; the inputs are not modified.
    """
    new_parameters, new_m = {}, {}
    for key, dkey in parameter_keys(parameters):
        direction = np.sign(beta1 * m[dkey] + (1 - beta1) * grads[dkey])
        decay = weight_decay * parameters[key] if key.startswith("W") else 0.0
        new_parameters[key] = parameters[key] - learning_rate * (direction + decay)
        new_m[dkey] = beta2 * m[dkey] + (1 - beta2) * grads[dkey]
    return new_parameters, new_m
