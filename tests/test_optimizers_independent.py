"""The solutions' momentum, RMSprop and Adam against independent scalar implementations, over many steps.

The references below are written from the published update rules (Kingma & Ba 2015, Algorithm 1;
Hinton's RMSprop lecture) one number at a time with ``math``, sharing no code with solutions/:
no dicts of arrays, no vectorization, no solutions helpers.
"""

import math

import numpy as np
import pytest

import solutions

SHAPES = {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
STEPS = 25


def gradient_stream(seed, steps=STEPS):
    """Per-step gradients as ``{key: nested lists}``: mixed scales, sign changes and exact zeros."""
    rng = np.random.default_rng(seed)
    stream = []
    for step in range(steps):
        grads = {}
        for key, shape in SHAPES.items():
            values = rng.standard_normal(shape) * rng.choice([1e-4, 1.0, 30.0], size=shape)
            values[rng.uniform(size=shape) < 0.1] = 0.0
            grads["d" + key] = values
        stream.append(grads)
    return stream


def start_parameters(seed):
    rng = np.random.default_rng(seed + 1000)
    return {key: rng.standard_normal(shape) for key, shape in SHAPES.items()}


def scalar_states(parameters):
    """Per-element Python floats: ``{(key, index): value}``."""
    return {(key, index): float(value[index]) for key, value in parameters.items() for index in np.ndindex(value.shape)}


def as_scalars(state_dict):
    """A solutions state (keyed ``dW1``, ...) as ``{(parameter key, index): float}``."""
    return {(key[1:], index): float(value[index]) for key, value in state_dict.items() for index in np.ndindex(value.shape)}


def assert_same(numbers, reference, what, step):
    for element, expected in reference.items():
        assert numbers[element] == pytest.approx(expected, rel=1e-10, abs=1e-12), f"{what} {element} at step {step}"


@pytest.mark.parametrize("seed, beta, learning_rate", [(0, 0.9, 0.05), (1, 0.5, 0.3), (2, 0.99, 0.01)])
def test_momentum_matches_a_scalar_loop(seed, beta, learning_rate):
    parameters = start_parameters(seed)
    w, velocity = scalar_states(parameters), dict.fromkeys(scalar_states(parameters), 0.0)
    v = solutions.initialize_velocity(parameters)
    for step, grads in enumerate(gradient_stream(seed), start=1):
        parameters, v = solutions.update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)
        for (key, index) in w:
            g = float(grads["d" + key][index])
            velocity[key, index] = beta * velocity[key, index] + (1.0 - beta) * g
            w[key, index] = w[key, index] - learning_rate * velocity[key, index]
        assert_same(scalar_states(parameters), w, "parameter", step)
        assert_same(as_scalars(v), velocity, "velocity", step)


@pytest.mark.parametrize("seed, beta2, learning_rate, epsilon", [
    (0, 0.999, 0.01, 1e-8), (1, 0.9, 0.1, 1e-8), (2, 0.99, 0.003, 1e-3),
])
def test_rmsprop_matches_a_scalar_loop(seed, beta2, learning_rate, epsilon):
    parameters = start_parameters(seed)
    w, mean_square = scalar_states(parameters), dict.fromkeys(scalar_states(parameters), 0.0)
    s = solutions.initialize_rmsprop(parameters)
    for step, grads in enumerate(gradient_stream(seed), start=1):
        parameters, s = solutions.update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)
        for (key, index) in w:
            g = float(grads["d" + key][index])
            mean_square[key, index] = beta2 * mean_square[key, index] + (1.0 - beta2) * g * g
            w[key, index] = w[key, index] - learning_rate * g / (math.sqrt(mean_square[key, index]) + epsilon)
        assert_same(scalar_states(parameters), w, "parameter", step)
        assert_same(as_scalars(s), mean_square, "s", step)


@pytest.mark.parametrize("seed, settings", [
    (0, {}),
    (1, {"learning_rate": 0.1, "beta1": 0.8, "beta2": 0.99}),
    (2, {"learning_rate": 0.001, "beta1": 0.95, "beta2": 0.9999, "epsilon": 1e-4}),
])
def test_adam_matches_kingma_and_ba_algorithm_1(seed, settings):
    alpha = settings.get("learning_rate", 0.01)
    beta1, beta2 = settings.get("beta1", 0.9), settings.get("beta2", 0.999)
    epsilon = settings.get("epsilon", 1e-8)
    parameters = start_parameters(seed)
    theta = scalar_states(parameters)
    m, u = dict.fromkeys(theta, 0.0), dict.fromkeys(theta, 0.0)
    v, s = solutions.initialize_adam(parameters)
    for t, grads in enumerate(gradient_stream(seed), start=1):
        parameters, v, s, v_hat, s_hat = solutions.update_parameters_with_adam(parameters, grads, v, s, t, **settings)
        m_hat, u_hat = {}, {}
        for (key, index) in theta:
            g = float(grads["d" + key][index])
            m[key, index] = beta1 * m[key, index] + (1.0 - beta1) * g
            u[key, index] = beta2 * u[key, index] + (1.0 - beta2) * g**2
            m_hat[key, index] = m[key, index] / (1.0 - beta1**t)
            u_hat[key, index] = u[key, index] / (1.0 - beta2**t)
            theta[key, index] = theta[key, index] - alpha * m_hat[key, index] / (math.sqrt(u_hat[key, index]) + epsilon)
        assert_same(scalar_states(parameters), theta, "parameter", t)
        assert_same(as_scalars(v), m, "first moment", t)
        assert_same(as_scalars(s), u, "second moment", t)
        assert_same(as_scalars(v_hat), m_hat, "corrected first moment", t)
        assert_same(as_scalars(s_hat), u_hat, "corrected second moment", t)


def test_adam_first_step_is_the_learning_rate_times_the_gradient_sign():
    """Kingma & Ba, section 2.1: with zero moments, the first step has size alpha (up to epsilon)."""
    parameters = start_parameters(5)
    grads = gradient_stream(5, steps=1)[0]
    v, s = solutions.initialize_adam(parameters)
    new, *_ = solutions.update_parameters_with_adam(parameters, grads, v, s, 1, learning_rate=0.02)
    for key, value in parameters.items():
        for index in np.ndindex(value.shape):
            g = float(grads["d" + key][index])
            step = float(new[key][index]) - float(value[index])
            expected = 0.0 if g == 0.0 else -0.02 * math.copysign(1.0, g) * abs(g) / (abs(g) + 1e-8)
            assert step == pytest.approx(expected, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("curvature, beta, learning_rate", [((1.0, 10.0), 0.9, 0.05), ((0.5, 3.0), 0.7, 0.2)])
def test_nesterov_is_sutskevers_look_ahead_momentum(curvature, beta, learning_rate):
    """Sutskever et al. 2013, eq. 3-4 (damped by 1 - beta): the gradient taken at the look-ahead point.

    On f(w) = ½ Σ c_i w_i², Sutskever's iterate Θ with velocity u gives the look-ahead point
    Θ − α·β·u; update_parameters_with_nesterov, fed the gradient at its own parameters, must
    walk exactly through those look-ahead points.
    """
    theta, u = [1.0, -2.0], [0.0, 0.0]
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.zeros((1, 1))}
    v = solutions.initialize_velocity(parameters)
    for step in range(1, STEPS + 1):
        grads = {"dW1": np.array(curvature) * parameters["W1"], "db1": np.zeros((1, 1))}
        parameters, v = solutions.update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate)
        for i, c in enumerate(curvature):
            look_ahead = theta[i] - learning_rate * beta * u[i]
            u[i] = beta * u[i] + (1.0 - beta) * c * look_ahead
            theta[i] = theta[i] - learning_rate * u[i]
            expected = theta[i] - learning_rate * beta * u[i]
            assert float(parameters["W1"][0, i]) == pytest.approx(expected, rel=1e-10, abs=1e-12), f"w{i} at step {step}"
