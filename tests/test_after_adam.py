"""Notebook 09's references against the libraries they follow, and the properties the notebook relies on.

The golden values (tests/golden/after_adam.json) were computed once by torch, transformers and lion-pytorch
(tests/golden/make_after_adam.py says how and records their versions); these tests need none of them.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import solutions

GOLDEN = json.loads((Path(__file__).resolve().parent / "golden" / "after_adam.json").read_text(encoding="utf-8"))


def _arrays(entries):
    return {key: np.array(value) for key, value in entries.items()}


def test_adamw_matches_torch_adamw_with_undecayed_biases():
    settings = GOLDEN["adamw"]["settings"]
    parameters = _arrays(GOLDEN["parameters"])
    v = s = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    for t, (grads, expected) in enumerate(zip(GOLDEN["grads"], GOLDEN["adamw"]["history"]), start=1):
        parameters, v, s, _, _ = solutions.update_parameters_with_adamw(
            parameters, _arrays(grads), v, s, t, settings["lr"], *settings["betas"], settings["eps"],
            settings["weight_decay"])
        for key, value in _arrays(expected).items():
            np.testing.assert_allclose(parameters[key], value, rtol=1e-12, atol=1e-14, err_msg=f"{key} at t = {t}")


def test_lion_matches_lion_pytorch_with_undecayed_biases():
    settings = GOLDEN["lion"]["settings"]
    parameters = _arrays(GOLDEN["parameters"])
    m = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    for t, (grads, expected) in enumerate(zip(GOLDEN["grads"], GOLDEN["lion"]["history"]), start=1):
        parameters, m = solutions.update_parameters_with_lion(parameters, _arrays(grads), m, settings["lr"],
                                                              *settings["betas"], settings["weight_decay"])
        for key, value in _arrays(expected).items():
            np.testing.assert_allclose(parameters[key], value, rtol=1e-12, atol=1e-14, err_msg=f"{key} at t = {t}")


@pytest.mark.parametrize("case", GOLDEN["cosine"], ids=lambda case: f"min_lr={case['min_lr']}")
def test_warmup_cosine_matches_transformers_schedule(case):
    steps = np.arange(case["total_steps"])
    rates = solutions.warmup_cosine_lr(case["learning_rate0"], steps, case["warmup_steps"], case["total_steps"],
                                       case["min_lr"])
    np.testing.assert_allclose(rates, case["rates"], rtol=1e-12, atol=1e-15)
    scalar = solutions.warmup_cosine_lr(case["learning_rate0"], 7, case["warmup_steps"], case["total_steps"],
                                        case["min_lr"])
    assert np.ndim(scalar) == 0 and scalar == pytest.approx(case["rates"][7], rel=1e-12)


def test_warmup_cosine_stays_at_min_lr_after_total_steps():
    rates = solutions.warmup_cosine_lr(0.1, np.array([50, 60, 1000]), 10, 50, min_lr=0.01)
    np.testing.assert_allclose(rates, 0.01)


@pytest.mark.parametrize("case", GOLDEN["clip"], ids=lambda case: f"max_norm={case['max_norm']}")
def test_clip_matches_torch_clip_grad_norm(case):
    grads = _arrays(case["grads"])
    before = {key: value.copy() for key, value in grads.items()}
    clipped, total_norm = solutions.clip_by_global_norm(grads, case["max_norm"])
    assert total_norm == pytest.approx(case["total_norm"], rel=1e-12)
    for key, value in _arrays(case["clipped"]).items():
        np.testing.assert_allclose(clipped[key], value, rtol=1e-12)
        np.testing.assert_array_equal(grads[key], before[key])


def test_golden_values_clip_and_decay_for_real():
    """The stored cases are not trivial: some clip, some do not; the decay changes the weights."""
    assert {case["total_norm"] > case["max_norm"] for case in GOLDEN["clip"]} == {True, False}
    assert GOLDEN["adamw"]["settings"]["weight_decay"] > 0 and GOLDEN["lion"]["settings"]["weight_decay"] > 0
    parameters = _arrays(GOLDEN["parameters"])
    zeros = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    adam, *_ = solutions.update_parameters_with_adam(parameters, _arrays(GOLDEN["grads"][0]), zeros, zeros, 1, 0.01)
    first = _arrays(GOLDEN["adamw"]["history"][0])
    assert not np.allclose(first["W1"], adam["W1"]) and np.allclose(first["b1"], adam["b1"], rtol=1e-12)


def test_lion_moves_every_coordinate_by_the_learning_rate():
    rng = np.random.default_rng(3)
    parameters = {"W1": rng.standard_normal((4, 3)), "b1": rng.standard_normal((4, 1))}
    grads = {"d" + key: 10.0 ** rng.uniform(-6, 3, size=value.shape) * rng.choice([-1, 1], size=value.shape)
             for key, value in parameters.items()}
    m = {key: np.zeros_like(value) for key, value in grads.items()}
    new, _ = solutions.update_parameters_with_lion(parameters, grads, m, learning_rate=0.01)
    for key in parameters:
        np.testing.assert_allclose(np.abs(new[key] - parameters[key]), 0.01, rtol=1e-12)
