"""Inputs and known mistakes for every exercise, one module per topic.

* ``CASES[name](rng)`` returns a list of ``(args, kwargs)`` for exercise ``name``:
  non-zero states, several shapes and several steps, so a half-right function fails.
  check()'s fixtures use a fixed seed; the grader's judge draws fresh inputs per submission.
* ``RETURNS[name]`` names what the exercise returns (``("parameters", "v")``), so check()
  can say ``v["dW1"][0, 0]`` rather than ``the result[1]['dW1'][0, 0]``.
* ``MISTAKES[name][mistake_id]`` is a wrong implementation making exactly that mistake, and
  ``SENTENCES[name][mistake_id]`` the sentence check() says about it (it follows the
  function's name). ``python -m solutions.fixtures`` stores the sentence and a fingerprint of
  what the mistake returns on each probe, for check(), beside the mistakes solutions/mutants.py
  generates; the tests assert that check() names every one. Registered mistakes come first:
  they keep their hand-written sentences, and name a learner's results before a generated one.
  Conventions learners bring from another course or library are registered with their source.

A topic module (``ewa.py``, ``momentum.py``, ...) registers with :func:`cases_for`
and :func:`mistake`; every module in this package is imported here.
"""

import importlib
import pkgutil

import numpy as np

CASES = {}
RETURNS = {}
MISTAKES = {}
SENTENCES = {}

# Mistakes check() detects from behaviour, with a sentence of its own: registered without one.
BEHAVIOUR_MISTAKES = ("mutates_input", "global_rng")


def cases_for(name, returns=("the result",)):
    """Register a case builder ``builder(rng) -> [(args, kwargs), ...]`` for exercise ``name``.

    ``returns`` names the returned values, one name per item of a returned tuple.
    """

    def register(builder):
        CASES[name] = builder
        RETURNS[name] = tuple(returns)
        return builder

    return register


def mistake(name, mistake_id, sentence=None):
    """Register a wrong implementation of exercise ``name`` and what check() says about it.

    ``sentence`` follows the function's name (``"ewa swapped the weights: ..."``); only the
    :data:`BEHAVIOUR_MISTAKES` go without one.
    """
    if (sentence is None) != (mistake_id in BEHAVIOUR_MISTAKES):
        raise ValueError(f"{name}/{mistake_id}: a sentence is needed for every mistake but {BEHAVIOUR_MISTAKES}")

    def register(fn):
        fn.__name__ = name
        MISTAKES.setdefault(name, {})[mistake_id] = fn
        if sentence is not None:
            SENTENCES.setdefault(name, {})[mistake_id] = sentence
        return fn

    return register


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
