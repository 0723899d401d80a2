"""Inputs and known mistakes for every exercise, one module per topic.

* ``CASES[name](rng)`` returns a list of ``(args, kwargs)`` for exercise ``name``:
  non-zero states, several shapes and several steps, so a half-right function fails.
  check()'s fixtures use a fixed seed; the grader's judge draws fresh inputs per submission.
* ``MISTAKES[name][mistake_id]`` is a wrong implementation making exactly that mistake.
  The fixtures store what each one returns, so check() can name it, and the tests
  assert that check() names every one.

A topic module (``ewa.py``, ``momentum.py``, ...) registers with :func:`cases_for`
and :func:`mistake`; every module in this package is imported here.
"""

import importlib
import pkgutil

import numpy as np

CASES = {}
MISTAKES = {}


def cases_for(name):
    """Register a case builder ``builder(rng) -> [(args, kwargs), ...]`` for exercise ``name``."""

    def register(builder):
        CASES[name] = builder
        return builder

    return register


def mistake(name, mistake_id):
    """Register a wrong implementation of exercise ``name``."""

    def register(fn):
        fn.__name__ = name
        MISTAKES.setdefault(name, {})[mistake_id] = fn
        return fn

    return register


def topic_of(name):
    """The topic module (e.g. ``"ewa"``) that registered exercise ``name``."""
    return CASES[name].__module__.rsplit(".", 1)[-1]


def random_parameters(rng, layer_dims):
    """``{"W1": (n1, n0), "b1": (n1, 1), ...}`` with standard normal entries."""
    parameters = {}
    for layer in range(1, len(layer_dims)):
        parameters[f"W{layer}"] = rng.standard_normal((layer_dims[layer], layer_dims[layer - 1]))
        parameters[f"b{layer}"] = rng.standard_normal((layer_dims[layer], 1))
    return parameters


def like_grads(rng, parameters, positive=False):
    """A dict keyed ``dW1``, ``db1``, ... shaped like ``parameters``; positive for second moments."""
    state = {"d" + key: rng.standard_normal(value.shape) for key, value in parameters.items()}
    return {key: np.abs(value) for key, value in state.items()} if positive else state


# Network shapes the optimizer cases use: one layer, two layers, three layers.
LAYER_SHAPES = ([3, 2], [2, 4, 1], [5, 3, 4, 1])

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
