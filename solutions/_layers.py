"""Small helpers shared by the optimizer modules."""

import numpy as np


def layer_count(parameters):
    """Number of layers ``L`` in a ``{"W1", "b1", ..., "WL", "bL"}`` dict."""
    return len(parameters) // 2


def parameter_keys(parameters):
    """Yield ``("W1", "dW1"), ("b1", "db1"), ...`` in layer order."""
    for layer in range(1, layer_count(parameters) + 1):
        for name in ("W", "b"):
            key = f"{name}{layer}"
            yield key, "d" + key


def zeros_like_grads(parameters):
    """A state dict keyed like ``grads`` (``dW1``, ``db1``, ...) filled with zeros."""
    return {dkey: np.zeros_like(parameters[key], dtype=float) for key, dkey in parameter_keys(parameters)}
