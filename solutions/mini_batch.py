"""Notebook 01: (mini-)batch gradient descent."""

import math

import numpy as np

from solutions._layers import parameter_keys


def update_parameters_with_gd(parameters, grads, learning_rate):
    """One step of gradient descent: ``W[l] = W[l] - learning_rate * dW[l]``.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` of shape ``(n1, n0)``, ``"b1"`` of shape ``(n1, 1)``, ..., ``"WL"``, ``"bL"``.
    grads : dict
        ``"dW1"``, ``"db1"``, ... with the shapes of the matching parameters.
    learning_rate : float
        Step size alpha.

    Returns
    -------
    dict
        New parameters; the inputs are not modified.
    """
    return {key: parameters[key] - learning_rate * grads[dkey] for key, dkey in parameter_keys(parameters)}


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle ``(X, Y)`` together and cut them into mini-batches.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs, one example per column.
    Y : ndarray of shape (1, m)
        Labels, one per column of ``X``.
    mini_batch_size : int, default 64
        Examples per mini-batch; the last mini-batch holds the ``m % mini_batch_size``
        examples left over, if any.
    seed : int, default 0
        Seed for ``np.random.default_rng``; the permutation is ``rng.permutation(m)``.

    Returns
    -------
    list of tuple
        ``[(mini_batch_X, mini_batch_Y), ...]`` with shapes ``(n_x, b)`` and ``(1, b)``.
    """
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [
        (shuffled_X[:, k * mini_batch_size : (k + 1) * mini_batch_size],
         shuffled_Y[:, k * mini_batch_size : (k + 1) * mini_batch_size])
        for k in range(math.ceil(m / mini_batch_size))
    ]


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    """Cross-entropy cost of one mini-batch plus the L2 penalty.

    ``J = -(1/b) sum(Y log AL + (1 - Y) log(1 - AL)) + lambd / (2 b) sum_l ||W[l]||_F^2``
    where ``b = Y.shape[1]`` is the size of this mini-batch.

    Parameters
    ----------
    AL : ndarray of shape (1, b)
        Predicted probabilities, strictly between 0 and 1.
    Y : ndarray of shape (1, b)
        Labels (0 or 1).
    parameters : dict
        ``"W1"``, ``"b1"``, ...; only the weights ``W[l]`` are penalised.
    lambd : float
        Regularization strength lambda (``lambda`` is a Python keyword).

    Returns
    -------
    float
    """
    b = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    weights = [value for key, value in parameters.items() if key.startswith("W")]
    l2 = lambd / (2 * b) * sum(np.sum(np.square(W)) for W in weights)
    return float(cross_entropy + l2)
