"""The reference implementation: lecture numbers, properties, and independent re-derivations."""

import copy

import numpy as np
import pytest

import solutions
from solutions.cases import LAYER_SHAPES, like_grads, random_parameters

RNG = np.random.default_rng(7)


def params_and_grads(dims, seed=0):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(rng, dims)
    return parameters, like_grads(rng, parameters)


# --- notebook 01 ------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", LAYER_SHAPES)
def test_gd_step_moves_against_the_gradient(dims):
    parameters, grads = params_and_grads(dims)
    new = solutions.update_parameters_with_gd(parameters, grads, 0.1)
    for key in parameters:
        np.testing.assert_allclose(new[key], parameters[key] - 0.1 * grads["d" + key])


@pytest.mark.parametrize("m, size", [(148, 64), (128, 64), (5, 64), (300, 1), (300, 300)])
def test_mini_batches_partition_the_shuffled_data(m, size):
    X = np.arange(3 * m, dtype=float).reshape(3, m)
    Y = (np.arange(m) % 2).reshape(1, m)
    batches = solutions.random_mini_batches(X, Y, size, seed=5)
    assert [b[0].shape[1] for b in batches] == [size] * (m // size) + ([m % size] if m % size else [])
    columns = np.hstack([b[0] for b in batches])
    assert sorted(columns[0]) == sorted(X[0])  # every example exactly once
    np.testing.assert_array_equal(np.hstack([b[1] for b in batches])[0], columns[0] % 2)  # labels follow their example
    permutation = np.random.default_rng(5).permutation(m)
    np.testing.assert_array_equal(columns, X[:, permutation])


def test_mini_batches_leave_the_global_rng_alone():
    state = np.random.get_state()
    solutions.random_mini_batches(np.ones((2, 50)), np.ones((1, 50)), 8, seed=1)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


def test_regularized_cost_divides_by_the_mini_batch_size():
    rng = np.random.default_rng(0)
    parameters = random_parameters(rng, [2, 3, 1])
    AL = rng.uniform(0.1, 0.9, (1, 8))
    Y = (rng.uniform(size=(1, 8)) > 0.5).astype(float)
    cross_entropy = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    penalty = 0.7 / (2 * 8) * (np.sum(parameters["W1"] ** 2) + np.sum(parameters["W2"] ** 2))
    assert solutions.compute_cost_with_regularization(AL, Y, parameters, 0.7) == pytest.approx(cross_entropy + penalty)
    assert solutions.compute_cost_with_regularization(AL, Y, parameters, 0.0) == pytest.approx(cross_entropy)


# --- notebooks 02 and 03 ------------------------------------------------------------------------


def test_ewa_matches_the_unrolled_weighted_sum():
    theta = RNG.normal(size=30)
    beta = 0.9
    v = solutions.ewa(theta, beta)
    for t in range(1, 31):
        weights = (1 - beta) * beta ** np.arange(t - 1, -1, -1)
        assert v[t - 1] == pytest.approx(np.sum(weights * theta[:t]))


def test_lecture_start_up_numbers():
    theta1, theta2 = 3.0, 5.0
    v = solutions.ewa([theta1, theta2], 0.98)
    assert v[0] == pytest.approx(0.02 * theta1)
    assert v[1] == pytest.approx(0.0196 * theta1 + 0.02 * theta2)
    assert 1 - 0.98**2 == pytest.approx(0.0396)
    assert solutions.ewa_bias_corrected([theta1, theta2], 0.98)[1] == pytest.approx(v[1] / 0.0396)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98, 0.999])
def test_bias_corrected_ewa_of_a_constant_is_that_constant(beta):
    np.testing.assert_allclose(solutions.ewa_bias_corrected(np.full(200, 4.2), beta), 4.2)


@pytest.mark.parametrize("beta, days", [(0.9, 10), (0.98, 50), (0.5, 2)])
def test_effective_window(beta, days):
    assert solutions.effective_window(beta) == pytest.approx(days)


def test_ewa_does_not_modify_its_input():
    theta = RNG.normal(size=10)
    before = theta.copy()
    solutions.ewa(theta, 0.9)
    solutions.ewa_bias_corrected(theta, 0.9)
    np.testing.assert_array_equal(theta, before)


# --- notebooks 04-06 ------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", LAYER_SHAPES)
def test_momentum_with_beta_zero_is_gradient_descent(dims):
    parameters, grads = params_and_grads(dims)
    v = like_grads(np.random.default_rng(1), parameters)
    new, _ = solutions.update_parameters_with_momentum(parameters, grads, v, 0.0, 0.05)
    expected = solutions.update_parameters_with_gd(parameters, grads, 0.05)
    for key in parameters:
        np.testing.assert_allclose(new[key], expected[key])


def test_momentum_three_steps_by_hand():
    parameters, grads = params_and_grads([2, 3, 1])
    v = solutions.initialize_velocity(parameters)
    W, vW = parameters["W1"].copy(), np.zeros_like(parameters["W1"])
    for _ in range(3):
        parameters, v = solutions.update_parameters_with_momentum(parameters, grads, v, 0.9, 0.1)
        vW = 0.9 * vW + 0.1 * grads["dW1"]
        W = W - 0.1 * vW
    np.testing.assert_allclose(parameters["W1"], W)
    np.testing.assert_allclose(v["dW1"], vW)


@pytest.mark.parametrize("init", [solutions.initialize_velocity, solutions.initialize_rmsprop])
def test_states_start_at_zero_keyed_like_grads(init):
    parameters, _ = params_and_grads([4, 3, 2])
    state = init(parameters)
    assert sorted(state) == ["dW1", "dW2", "db1", "db2"]
    for key, value in state.items():
        assert value.shape == parameters[key[1:]].shape and not value.any()


def test_adam_first_step_moves_each_parameter_by_about_the_learning_rate():
    parameters, grads = params_and_grads([5, 3, 4, 1])
    v, s = solutions.initialize_adam(parameters)
    new, *_ = solutions.update_parameters_with_adam(parameters, grads, v, s, t=1, learning_rate=0.01)
    for key in parameters:
        np.testing.assert_allclose(np.abs(new[key] - parameters[key]), 0.01, rtol=1e-4)


def test_rmsprop_puts_epsilon_outside_the_square_root():
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    grads = {"dW1": np.array([[0.0]]), "db1": np.array([[1e-3]])}
    s = solutions.initialize_rmsprop(parameters)
    new, s = solutions.update_parameters_with_rmsprop(parameters, grads, s, 0.999, 0.01)
    assert new["W1"][0, 0] == 1.0  # zero gradient, zero s: no step and no division by zero
    expected_step = 0.01 * 1e-3 / (np.sqrt(0.001 * 1e-6) + 1e-8)
    assert new["b1"][0, 0] == pytest.approx(-expected_step)


@pytest.mark.parametrize("update, state", [
    (solutions.update_parameters_with_gd, None),
    (solutions.update_parameters_with_momentum, "v"),
    (solutions.update_parameters_with_rmsprop, "s"),
    (solutions.update_parameters_with_adam, "vs"),
    (solutions.update_parameters_with_adamw, "vs"),
    (solutions.update_parameters_with_lion, "m"),
])
def test_updates_do_not_mutate_their_inputs(update, state):
    parameters, grads = params_and_grads([3, 4, 1])
    states = [like_grads(RNG, parameters, positive=True) for _ in state or ()]
    extra = {None: (0.1,), "v": (0.9, 0.1), "s": (0.999, 0.1), "vs": (2,), "m": (0.01, 0.9, 0.99, 0.5)}[state]
    inputs = (parameters, grads, *states, *extra)
    before = copy.deepcopy(inputs)
    update(*inputs)
    for old, new in zip(before, inputs):
        if isinstance(old, dict):
            for key in old:
                np.testing.assert_array_equal(old[key], new[key])


# --- notebook 07 -----------------------------------------------------------------------------------


def test_lecture_decay_table():
    rates = [solutions.update_lr(0.2, epoch, 1) for epoch in (1, 2, 3, 4)]
    np.testing.assert_allclose(rates, [0.1, 0.2 / 3, 0.05, 0.04])


def test_staircase_counts_whole_intervals():
    assert solutions.schedule_lr_decay(0.1, 150, 1, time_interval=100) == pytest.approx(0.05)
    assert solutions.schedule_lr_decay(0.1, 99, 1, time_interval=100) == pytest.approx(0.1)
    assert solutions.schedule_lr_decay(0.1, 200, 1, time_interval=100) == pytest.approx(0.1 / 3)


def test_exponential_and_inverse_sqrt_decay():
    assert solutions.exponential_decay(0.2, 3) == pytest.approx(0.2 * 0.95**3)
    assert solutions.inverse_sqrt_decay(0.2, 4, k=1.5) == pytest.approx(0.15)
    np.testing.assert_allclose(solutions.update_lr(0.2, np.arange(3), 1), [0.2, 0.1, 0.2 / 3])


# --- notebook 08 --------------------------------------------------------------------------------


@pytest.mark.parametrize("hessian, kind", [
    (np.diag([1.0, 2.0]), "minimum"),
    (np.diag([-1.0, -0.5, -3.0]), "maximum"),
    (np.diag([2.0, -2.0]), "saddle"),
    (np.diag([1.0, 0.0]), "degenerate"),
    (np.diag([0.0, -1.0, -3.0]), "degenerate"),
    (np.zeros((2, 2)), "degenerate"),
    (np.diag([1.0, 0.0, -2.0]), "saddle"),  # both signs: a saddle whatever the zero eigenvalue does
    (np.array([[2.0, 3.0], [3.0, 2.0]]), "saddle"),  # positive entries, eigenvalues 5 and -1
])
def test_critical_point_type(hessian, kind):
    assert solutions.critical_point_type(hessian) == kind


def test_fraction_positive_definite_falls_with_dimension():
    fractions = [solutions.fraction_positive_definite(n, trials=4000, seed=1) for n in (1, 2, 3, 5)]
    assert fractions[0] == pytest.approx(0.5, abs=0.03)
    assert fractions[1] == pytest.approx((2 - np.sqrt(2)) / 4, abs=0.02)  # exact value for 2x2 GOE
    assert fractions == sorted(fractions, reverse=True) and fractions[-1] < 0.01
    assert solutions.fraction_positive_definite(3, 500, seed=4) == solutions.fraction_positive_definite(3, 500, seed=4)
