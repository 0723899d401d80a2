"""Realistic mistakes that solutions/cases does NOT register: a held-out set for check()'s generic diagnosis.

Each function is named like the exercise it attempts (check() finds the exercise by name); the
list HELDOUT pairs it with a short label. tests/test_heldout.py measures how often check()
rejects them and how often it gives a cause rather than only "returned a wrong value".
Do not register these in solutions/cases: they measure what check() finds without being told.
"""

import math

import numpy as np


def _named(name):
    def rename(fn):
        fn.__name__ = name
        return fn

    return rename


def _layers(parameters):
    return len(parameters) // 2


# --- notebook 01 ----------------------------------------------------------------------------------


@_named("random_mini_batches")
def rows_shuffled(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    X, Y = X[permutation, :], Y[:, permutation]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@_named("random_mini_batches")
def len_x_as_m(X, Y, mini_batch_size=64, seed=0):
    m = len(X)
    permutation = np.random.default_rng(seed).permutation(m)
    X, Y = X[:, permutation], Y[:, permutation]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@_named("compute_cost_with_regularization")
def cost_left_as_array(AL, Y, parameters, lambd):
    b = Y.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / b
    penalty = lambd / (2 * b) * sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, _layers(parameters) + 1))
    return cross_entropy + penalty


@_named("compute_cost_with_regularization")
def cost_len_y_as_b(AL, Y, parameters, lambd):
    b = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    penalty = lambd / (2 * len(Y)) * sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, _layers(parameters) + 1))
    return float(cross_entropy + penalty)


@_named("update_parameters_with_gd")
def gd_layers_from_zero(parameters, grads, learning_rate):
    new = {}
    for l in range(_layers(parameters)):
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return new


@_named("update_parameters_with_gd")
def gd_learning_rate_squared(parameters, grads, learning_rate):
    return {key: parameters[key] - learning_rate**2 * grads["d" + key] for key in parameters}


# --- notebooks 02 and 03 --------------------------------------------------------------------------


@_named("ewa")
def ewa_forgot_return(theta, beta):
    v, out = 0.0, []
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append(v)


@_named("ewa")
def ewa_scaled_by_beta(theta, beta):
    v, out = 0.0, []
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append(beta * v)
    return np.array(out)


@_named("ewa")
def ewa_returns_list_of_lists(theta, beta):
    v, out = 0.0, []
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append([v])
    return np.array(out)


@_named("effective_window")
def window_rounded(beta):
    return round(1 / (1 - beta), 1)


@_named("ewa_bias_corrected")
def corrected_one_step_late(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta ** max(t, 1)))
    return np.array(out)


# --- notebooks 04 to 06 ---------------------------------------------------------------------------


@_named("initialize_velocity")
def velocity_transposed(parameters):
    return {"d" + key: np.zeros(value.shape).T for key, value in parameters.items()}


@_named("update_parameters_with_momentum")
def momentum_wrong_order(parameters, grads, v, beta, learning_rate):
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    parameters = {key: parameters[key] - learning_rate * v["d" + key] for key in parameters}
    return v, parameters


@_named("update_parameters_with_momentum")
def momentum_forgot_return(parameters, grads, v, beta, learning_rate):
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    {key: parameters[key] - learning_rate * v["d" + key] for key in parameters}


@_named("update_parameters_with_momentum")
def momentum_learning_rate_in_velocity(parameters, grads, v, beta, learning_rate):
    v = {key: beta * v[key] + (1 - beta) * learning_rate * grads[key] for key in v}
    return {key: parameters[key] - v["d" + key] for key in parameters}, v


@_named("update_parameters_with_rmsprop")
def rmsprop_squared_root(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    s = {key: beta2 * s[key] + (1 - beta2) * np.sqrt(np.abs(grads[key])) for key in s}
    new = {key: parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
           for key in parameters}
    return new, s


@_named("update_parameters_with_rmsprop")
def rmsprop_keys_like_parameters(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    s = {key: beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2 for key in parameters}
    new = {key: parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(s[key]) + epsilon) for key in parameters}
    return new, s


@_named("initialize_adam")
def adam_init_swapped(parameters):
    v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    s = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    return s, v, None


@_named("update_parameters_with_adam")
def adam_returns_in_other_order(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    v_hat = {key: v[key] / (1 - beta1**t) for key in v}
    s_hat = {key: s[key] / (1 - beta2**t) for key in s}
    new = {key: parameters[key] - learning_rate * v_hat["d" + key] / (np.sqrt(s_hat["d" + key]) + epsilon)
           for key in parameters}
    return new, v, s, s_hat, v_hat


@_named("update_parameters_with_adam")
def adam_v_times_learning_rate(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    v_hat = {key: learning_rate * v[key] / (1 - beta1**t) for key in v}
    s_hat = {key: s[key] / (1 - beta2**t) for key in s}
    new = {key: parameters[key] - v_hat["d" + key] / (np.sqrt(s_hat["d" + key]) + epsilon) for key in parameters}
    return new, v, s, v_hat, s_hat


@_named("update_parameters_with_nesterov")
def nesterov_minus_gradient(parameters, grads, v, beta, learning_rate):
    v = {key: beta * v[key] - (1 - beta) * grads[key] for key in v}
    new = {key: parameters[key] + learning_rate * (beta * v["d" + key] - (1 - beta) * grads["d" + key])
           for key in parameters}
    return new, v


# --- notebooks 07 and 08 --------------------------------------------------------------------------


@_named("update_lr")
def update_lr_if_on_epoch(learning_rate0, epoch_num, decay_rate):
    if epoch_num == 0:
        return learning_rate0
    return learning_rate0 / (1 + decay_rate * epoch_num)


@_named("exponential_decay")
def exponential_with_math_exp(learning_rate0, epoch_num, base=0.95):
    return learning_rate0 * math.exp(epoch_num * math.log(base))


@_named("inverse_sqrt_decay")
def inverse_sqrt_half_k(learning_rate0, epoch_num, k=1.0):
    return k / 2 / np.sqrt(epoch_num) * learning_rate0


@_named("schedule_lr_decay")
def schedule_int_cast(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * int(epoch_num / time_interval))


@_named("critical_point_type")
def critical_returns_capitalised(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
        return "Saddle"
    if np.any(np.abs(eigenvalues) <= tol):
        return "Degenerate"
    if np.all(eigenvalues > 0):
        return "Minimum"
    return "Maximum"


@_named("fraction_positive_definite")
def fraction_as_percentage(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    smallest = np.linalg.eigvalsh((A + np.swapaxes(A, 1, 2)) / 2)[:, 0]
    return 100 * float(np.mean(smallest > 0))


HELDOUT = [
    rows_shuffled, len_x_as_m, cost_left_as_array, cost_len_y_as_b, gd_layers_from_zero, gd_learning_rate_squared,
    ewa_forgot_return, ewa_scaled_by_beta, ewa_returns_list_of_lists, window_rounded, corrected_one_step_late,
    velocity_transposed, momentum_wrong_order, momentum_forgot_return, momentum_learning_rate_in_velocity,
    rmsprop_squared_root, rmsprop_keys_like_parameters, adam_init_swapped, adam_returns_in_other_order,
    adam_v_times_learning_rate, nesterov_minus_gradient, update_lr_if_on_epoch, exponential_with_math_exp,
    inverse_sqrt_half_k, schedule_int_cast, critical_returns_capitalised, fraction_as_percentage,
]
