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

LAST_LAYER_SKIPPED = ("left out the last layer: with L = len(parameters) // 2 layers, loop over l = 1 … L, "
                      "i.e. range(1, L + 1).")


def zero_state_sentences(state):
    """What check() says about each :data:`WRONG_STATES` mistake, for the state called ``state`` (v or s)."""
    return {
        "keys_like_parameters": f"keyed {state} like the parameters (\"W1\", \"b1\", ...); key it like the "
        f"gradients: {state}[\"dW1\"], {state}[\"db1\"], ..., {state}[\"dWL\"], {state}[\"dbL\"].",
        "transposed_shape": f"gave {state}[\"dW1\"] the transposed shape; each entry has exactly the shape of "
        "its parameter: np.zeros_like(parameters[\"W\" + str(l)]) or np.zeros(W.shape).",
        "scalar_zeros": f"stored the number 0 in {state}; store an array of zeros shaped like the parameter: "
        "np.zeros_like(parameters[\"W\" + str(l)]).",
        "ones": f"filled {state} with ones; it starts at zeros (np.zeros_like), because nothing has been averaged yet.",
        "copied_parameters": f"filled {state} with the parameters' values; it starts at zeros of the same shape: "
        "np.zeros_like(parameters[\"W\" + str(l)]).",
        "last_layer_skipped": LAST_LAYER_SKIPPED,
    }


def register_zero_state_mistakes(name, state):
    """Register every :data:`WRONG_STATES` mistake for the initializer ``name`` of the state ``state``."""
    sentences = zero_state_sentences(state)
    for mistake_id, wrong_state in WRONG_STATES.items():

        def wrong(parameters, _wrong_state=wrong_state):
            return _wrong_state(parameters)

        mistake(name, mistake_id, sentences[mistake_id])(wrong)
