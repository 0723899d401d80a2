"""Cases and mistakes shared by the optimizer-state initializers of notebooks 04-06.

``initialize_velocity``, ``initialize_rmsprop`` and ``initialize_adam`` all build
zeros keyed like ``grads``; their topic modules register these under their own names.
"""

import numpy as np

from solutions.cases import LAYER_SHAPES, mistake, random_parameters


def zero_state_cases(rng):
    """One parameters dict per network shape, plus one with a square weight matrix."""
    return [((random_parameters(rng, dims),), {}) for dims in (*LAYER_SHAPES, [3, 3, 2])]


def _state(parameters, make, prefix="d", layers=None):
    """``{prefix + "W1": make(W1), prefix + "b1": make(b1), ...}`` over ``layers``."""
    layers = range(1, len(parameters) // 2 + 1) if layers is None else layers
    return {f"{prefix}{name}{layer}": make(parameters[f"{name}{layer}"]) for layer in layers for name in "Wb"}


# Wrong ways to build one zero state; each takes the parameters and returns the state dict.
WRONG_STATES = {
    "keys_like_parameters": lambda parameters: _state(parameters, np.zeros_like, prefix=""),
    "transposed_shape": lambda parameters: _state(parameters, lambda value: np.zeros(value.shape[::-1])),
    "scalar_zeros": lambda parameters: _state(parameters, lambda value: 0.0),
    "ones": lambda parameters: _state(parameters, np.ones_like),
    "copied_parameters": lambda parameters: _state(parameters, np.copy),
    "last_layer_skipped": lambda parameters: _state(parameters, np.zeros_like, layers=range(1, len(parameters) // 2)),
}


def register_zero_state_mistakes(name):
    """Register every :data:`WRONG_STATES` mistake for the one-state initializer ``name``."""
    for mistake_id, wrong_state in WRONG_STATES.items():

        def wrong(parameters, _wrong_state=wrong_state):
            return _wrong_state(parameters)

        mistake(name, mistake_id)(wrong)
