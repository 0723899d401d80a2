"""Make tests/golden/after_adam.json: notebook 09's exercises computed by the libraries they follow.

Run it where torch, transformers and lion-pytorch are installed (none of them is in requirements.txt):
``.venv/bin/pip install torch==2.13.0 transformers lion-pytorch`` then
``.venv/bin/python tests/golden/make_after_adam.py``. tests/test_after_adam.py compares solutions/ with
the stored values and needs none of these libraries.

- AdamW: ``torch.optim.AdamW`` with the biases in a parameter group of their own at weight_decay 0.
- Warm-up and cosine: ``transformers.get_cosine_schedule_with_warmup`` (min_lr = 0) and
  ``get_cosine_with_min_lr_schedule_with_warmup`` (min_lr > 0), read off the optimizer's lr.
- Clipping: ``torch.nn.utils.clip_grad_norm_``.
- Lion: ``lion_pytorch.Lion`` (the paper's pseudo-code), the biases at weight_decay 0.
"""

import json
from importlib.metadata import version
from pathlib import Path

import lion_pytorch
import numpy as np
import torch
import transformers

OUT = Path(__file__).resolve().parent / "after_adam.json"
LAYERS = [3, 4, 2]


def network(rng):
    """Random parameters of a two-layer network and ten gradients for each, as lists."""
    parameters = {}
    for layer in range(1, len(LAYERS)):
        parameters[f"W{layer}"] = rng.standard_normal((LAYERS[layer], LAYERS[layer - 1]))
        parameters[f"b{layer}"] = rng.standard_normal((LAYERS[layer], 1))
    grads = [{"d" + key: rng.standard_normal(value.shape) for key, value in parameters.items()} for _ in range(10)]
    return parameters, grads


def run(optimizer_class, parameters, grads, settings, decay_key):
    """The parameters after each step of ``optimizer_class`` on ``grads``, biases without decay."""
    tensors = {key: torch.tensor(value, requires_grad=True) for key, value in parameters.items()}
    groups = [{"params": [tensor for key, tensor in tensors.items() if key.startswith("W")]},
              {"params": [tensor for key, tensor in tensors.items() if key.startswith("b")], decay_key: 0.0}]
    optimizer = optimizer_class(groups, **settings)
    history = []
    for step_grads in grads:
        for key, tensor in tensors.items():
            tensor.grad = torch.from_numpy(step_grads["d" + key].copy())
        optimizer.step()
        history.append({key: tensor.detach().numpy().tolist() for key, tensor in tensors.items()})
    return history


def schedule(factory, learning_rate0, warmup_steps, total_steps, **kwargs):
    """The learning rate of each step 0 … total_steps − 1 under one transformers schedule."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=learning_rate0)
    scheduler = factory(optimizer, warmup_steps, total_steps, **kwargs)
    rates = []
    for _ in range(total_steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def clipping(rng):
    """Gradients and max_norm before and after clip_grad_norm_, one case that clips and one that does not."""
    cases = []
    for max_norm, scale in [(1.0, 3.0), (0.5, 2.0), (100.0, 1.0)]:
        grads = {"dW1": scale * rng.standard_normal((3, 2)), "db1": scale * rng.standard_normal((3, 1)),
                 "dW2": scale * rng.standard_normal((1, 3))}
        tensors = [torch.zeros(value.shape, requires_grad=True) for value in grads.values()]
        for tensor, value in zip(tensors, grads.values()):
            tensor.grad = torch.from_numpy(value.copy())
        total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
        cases.append({"grads": {key: value.tolist() for key, value in grads.items()}, "max_norm": max_norm,
                      "total_norm": float(total),
                      "clipped": {key: tensor.grad.numpy().tolist() for key, tensor in zip(grads, tensors)}})
    return cases


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(2026)
    parameters, grads = network(rng)
    adamw_settings = {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}
    lion_settings = {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.5}
    golden = {
        "versions": {name: version(name) for name in ("torch", "transformers", "lion-pytorch", "numpy")},
        "made_by": "tests/golden/make_after_adam.py",
        "parameters": {key: value.tolist() for key, value in parameters.items()},
        "grads": [{key: value.tolist() for key, value in step.items()} for step in grads],
        "adamw": {"settings": adamw_settings, "history": run(torch.optim.AdamW, parameters, grads, adamw_settings,
                                                              "weight_decay")},
        "lion": {"settings": lion_settings, "history": run(lion_pytorch.Lion, parameters, grads, lion_settings,
                                                            "weight_decay")},
        "cosine": [{"learning_rate0": 0.1, "warmup_steps": 10, "total_steps": 50, "min_lr": 0.0,
                    "rates": schedule(transformers.get_cosine_schedule_with_warmup, 0.1, 10, 50)},
                   {"learning_rate0": 0.02, "warmup_steps": 5, "total_steps": 40, "min_lr": 0.002,
                    "rates": schedule(transformers.get_cosine_with_min_lr_schedule_with_warmup, 0.02, 5, 40,
                                      min_lr_rate=0.1)}],
        "clip": clipping(rng),
    }
    OUT.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with {golden['versions']}")


if __name__ == "__main__":
    main()
