"""A small fully-connected network: ReLU hidden layers, a sigmoid output unit.

It follows the course conventions: ``parameters = {"W1": (n1, n0), "b1": (n1, 1), ...}``,
``grads = {"dW1": ..., "db1": ...}``, ``X`` of shape ``(n_x, m)``, ``Y`` of shape ``(1, m)``.
Notebooks 01, 06 and 07 train it with the learner's own update functions through
:func:`train`, which takes the update step as an argument.
"""

import numpy as np


def initialize_parameters(layer_dims, seed=0):
    """He-initialised weights and zero biases.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``, e.g. ``[2, 5, 2, 1]``.
    seed : int, default 0

    Returns
    -------
    dict
        ``"W1"`` of shape ``(n1, n_x)``, ``"b1"`` of shape ``(n1, 1)``, ...
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(layer_dims)):
        fan_in = layer_dims[layer - 1]
        parameters[f"W{layer}"] = rng.standard_normal((layer_dims[layer], fan_in)) * np.sqrt(2 / fan_in)
        parameters[f"b{layer}"] = np.zeros((layer_dims[layer], 1))
    return parameters


def forward_propagation(X, parameters):
    """Forward pass.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict

    Returns
    -------
    AL : ndarray of shape (1, m)
        Output probabilities.
    caches : list
        What :func:`backward_propagation` needs: ``(A_prev, W, Z)`` per layer.
    """
    L = len(parameters) // 2
    A, caches = X, []
    for layer in range(1, L + 1):
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        Z = W @ A + b
        caches.append((A, W, Z))
        A = 1 / (1 + np.exp(-Z)) if layer == L else np.maximum(Z, 0)
    return A, caches


def compute_cost(AL, Y):
    """Mean cross-entropy ``-(1/m) sum(Y log AL + (1 - Y) log(1 - AL))`` (clipped to avoid log 0)."""
    AL = np.clip(AL, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def backward_propagation(AL, Y, caches):
    """Gradients of the mean cross-entropy.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
    Y : ndarray of shape (1, m)
    caches : list
        From :func:`forward_propagation`.

    Returns
    -------
    dict
        ``"dW1"``, ``"db1"``, ... shaped like the parameters.
    """
    m = Y.shape[1]
    grads = {}
    dZ = (AL - Y) / m
    for layer in range(len(caches), 0, -1):
        A_prev, W, Z = caches[layer - 1]
        grads[f"dW{layer}"] = dZ @ A_prev.T
        grads[f"db{layer}"] = np.sum(dZ, axis=1, keepdims=True)
        if layer > 1:
            dZ = (W.T @ dZ) * (caches[layer - 2][2] > 0)
    return dict(sorted(grads.items(), key=lambda item: (int(item[0][2:]), item[0][1])))


def predict(X, parameters):
    """Labels 0/1 of shape ``(1, m)``: 1 where the output probability exceeds 0.5."""
    AL, _ = forward_propagation(X, parameters)
    return (AL > 0.5).astype(int)


def accuracy(X, Y, parameters):
    """Fraction of examples classified correctly."""
    return float(np.mean(predict(X, parameters) == Y))


def train(X, Y, layer_dims, step, num_epochs, batches=None, seed=0):
    """Train the network with a given update step.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    layer_dims : list of int
        ``[n_x, n_1, ..., 1]``.
    step : callable
        ``step(parameters, grads, t, epoch) -> parameters``: one update with your optimizer.
        ``t`` counts updates from 1; ``epoch`` counts epochs from 0.
    num_epochs : int
    batches : callable, optional
        ``batches(X, Y, epoch) -> [(mini_batch_X, mini_batch_Y), ...]``; default: one batch of all of X.
    seed : int, default 0
        Seed of the initial parameters.

    Returns
    -------
    parameters : dict
        The trained parameters.
    costs : dict
        ``"epoch"``: mean cost over each epoch, shape ``(num_epochs,)``;
        ``"iteration"``: cost of every mini-batch step.
    """
    parameters = initialize_parameters(layer_dims, seed)
    batches = batches or (lambda X, Y, epoch: [(X, Y)])
    m = Y.shape[1]
    epoch_costs, iteration_costs = [], []
    t = 0
    for epoch in range(num_epochs):
        total = 0.0
        for mini_batch_X, mini_batch_Y in batches(X, Y, epoch):
            AL, caches = forward_propagation(mini_batch_X, parameters)
            cost = compute_cost(AL, mini_batch_Y)
            iteration_costs.append(cost)
            total += cost * mini_batch_Y.shape[1]
            t += 1
            parameters = step(parameters, backward_propagation(AL, mini_batch_Y, caches), t, epoch)
        epoch_costs.append(total / m)
    return parameters, {"epoch": np.array(epoch_costs), "iteration": np.array(iteration_costs)}
