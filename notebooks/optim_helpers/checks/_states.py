"""The mistakes the optimizer-state initializers of notebooks 04-06 share."""


def zero_state_mistakes(state):
    """Sentences for the mistakes of an initializer that builds the zero state called ``state`` (v or s)."""
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
        "last_layer_skipped": "left out the last layer: with L = len(parameters) // 2 layers, "
        "loop over l = 1 … L, i.e. range(1, L + 1).",
    }

