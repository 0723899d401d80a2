"""Notebook 04: gradient descent with momentum, and Nesterov momentum."""

from solutions._layers import parameter_keys, zeros_like_grads


def initialize_velocity(parameters):
    """Zero velocity for every parameter.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` of shape ``(n1, n0)``, ``"b1"`` of shape ``(n1, 1)``, ...

    Returns
    -------
    dict
        ``v`` with keys ``"dW1"``, ``"db1"``, ... and zeros of the matching shapes.
    """
    return zeros_like_grads(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """One momentum step: ``v = beta v + (1 - beta) dW``; ``W = W - learning_rate v``.

    Parameters
    ----------
    parameters : dict
        ``"W1"``, ``"b1"``, ... of shapes ``(n_l, n_{l-1})`` and ``(n_l, 1)``.
    grads : dict
        ``"dW1"``, ``"db1"``, ... shaped like the parameters.
    v : dict
        Velocity, keyed like ``grads``.
    beta : float
        Momentum, typically 0.9.
    learning_rate : float

    Returns
    -------
    parameters : dict
        Updated parameters (new dict).
    v : dict
        Updated velocity (new dict).
    """
    new_v = {dkey: beta * v[dkey] + (1 - beta) * grads[dkey] for _, dkey in parameter_keys(parameters)}
    new_parameters = {key: parameters[key] - learning_rate * new_v[dkey] for key, dkey in parameter_keys(parameters)}
    return new_parameters, new_v


def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    """One Nesterov momentum step, in the "look-ahead" form that uses the gradient at the current parameters.

    ``v = beta v + (1 - beta) dW``; ``W = W - learning_rate (beta v + (1 - beta) dW)``, with the new ``v``.

    Nesterov's method evaluates the gradient at the look-ahead point ``W - learning_rate beta v``.
    Rewriting the iteration in the variable ``W + learning_rate beta v`` gives the form above, which
    needs only the gradient at the current parameters (Sutskever et al., "On the importance of
    initialization and momentum in deep learning", ICML 2013, sec. 3; Dozat, "Incorporating Nesterov
    Momentum into Adam", ICLR 2016 workshop, sec. 3, whose NAdam step is this one with bias
    correction; Keras' ``SGD(nesterov=True)`` takes the same look-ahead step, without the
    ``(1 - beta)`` factors). It is plain momentum with the step ``beta v_new + (1 - beta) dW`` in
    place of ``v_new``.

    Parameters
    ----------
    parameters : dict
        ``"W1"``, ``"b1"``, ... of shapes ``(n_l, n_{l-1})`` and ``(n_l, 1)``.
    grads : dict
        ``"dW1"``, ``"db1"``, ... shaped like the parameters.
    v : dict
        Velocity, keyed like ``grads``.
    beta : float
        Momentum, typically 0.9.
    learning_rate : float

    Returns
    -------
    parameters : dict
        Updated parameters (new dict).
    v : dict
        Updated velocity (new dict).
    """
    keys = list(parameter_keys(parameters))
    new_v = {dkey: beta * v[dkey] + (1 - beta) * grads[dkey] for _, dkey in keys}
    new_parameters = {
        key: parameters[key] - learning_rate * (beta * new_v[dkey] + (1 - beta) * grads[dkey]) for key, dkey in keys
    }
    return new_parameters, new_v
