"""Realistic learner mistakes, each in an otherwise correct function: a held-out set for check().

Each function is named like the exercise it attempts (check() finds the exercise by name). HELDOUT
lists them all. Most are of kinds solutions/cases does NOT register (what check() finds without being
told); REGISTERED_AS maps the others, written in a learner's own style rather than the registry's, to
the registered mistake they make, and CONVENTIONS those that follow another course's or library's
convention, which issue 21 asks the registry to know (with their source). tests/test_heldout.py and
``python benchmarks/bench.py --mistakes-only`` measure how check() names them.

Written before the mistake generator of issue 21 existed, from the issue's list of misleading cases
and from the ways learners get these functions wrong. Do not register the unregistered ones in
solutions/cases: they measure what check() finds without being told.
"""

import copy
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


# ==================================================================================================
# Issue 21: the larger held-out set. Registered kinds first (REGISTERED_AS), then kinds the registry
# does not know, then the conventions of other courses and libraries (CONVENTIONS).
# ==================================================================================================

# --- notebook 01: update_parameters_with_gd -------------------------------------------------------


@_named("update_parameters_with_gd")
def gd_plus_in_loop(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    for l in range(1, _layers(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] + learning_rate * grads["db" + str(l)]
    return parameters


@_named("update_parameters_with_gd")
def gd_without_rate_in_loop(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    for l in range(1, _layers(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - grads["db" + str(l)]
    return parameters


@_named("update_parameters_with_gd")
def gd_weights_only_in_loop(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    for l in range(1, _layers(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


@_named("update_parameters_with_gd")
def gd_range_one_to_l_minus_one(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    L = len(parameters) // 2
    for l in range(1, L):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


@_named("update_parameters_with_gd")
def gd_bias_with_weight_gradient(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    for l in range(1, _layers(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)]
    return parameters


@_named("update_parameters_with_gd")
def gd_divided_by_rate(parameters, grads, learning_rate):
    return {key: parameters[key] - grads["d" + key] / learning_rate for key in parameters}


# --- notebook 01: random_mini_batches -------------------------------------------------------------


@_named("random_mini_batches")
def batches_unshuffled_loop(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    mini_batches = []
    complete = m // mini_batch_size
    for k in range(complete):
        mini_batches.append((X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((X[:, complete * mini_batch_size:], Y[:, complete * mini_batch_size:]))
    return mini_batches


@_named("random_mini_batches")
def batches_only_complete(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = list(np.random.default_rng(seed).permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    mini_batches = []
    for k in range(math.floor(m / mini_batch_size)):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    return mini_batches


@_named("random_mini_batches")
def batches_two_draws(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    shuffled_X = X[:, rng.permutation(m)]
    shuffled_Y = Y[:, rng.permutation(m)]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@_named("random_mini_batches")
def batches_seeded_global(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = np.random.permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@_named("random_mini_batches")
def batches_slices_start_at_k(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = list(np.random.default_rng(seed).permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    mini_batches = []
    complete = math.floor(m / mini_batch_size)
    for k in range(complete):
        mini_batches.append((shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, complete * mini_batch_size:], shuffled_Y[:, complete * mini_batch_size:]))
    return mini_batches


@_named("random_mini_batches")
def batches_labels_not_shuffled(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X = X[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@_named("random_mini_batches")
def batches_choice_with_replacement(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    index = np.random.default_rng(seed).choice(m, m)
    shuffled_X, shuffled_Y = X[:, index], Y[:, index]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


# --- notebook 01: compute_cost_with_regularization ------------------------------------------------


@_named("compute_cost_with_regularization")
def cost_summed_not_averaged(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    penalty = 0
    for l in range(1, _layers(parameters) + 1):
        penalty += np.sum(np.square(parameters["W" + str(l)]))
    return float(cross_entropy + lambd / (2 * m) * penalty)


@_named("compute_cost_with_regularization")
def cost_lambda_over_m(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = float(np.squeeze(-(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m))
    penalty = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, _layers(parameters) + 1))
    return cross_entropy + lambd / m * penalty


@_named("compute_cost_with_regularization")
def cost_penalises_everything(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    penalty = sum(np.sum(np.square(value)) for value in parameters.values())
    return float(cross_entropy + lambd / (2 * m) * penalty)


@_named("compute_cost_with_regularization")
def cost_frobenius_not_squared(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    penalty = sum(np.linalg.norm(parameters["W" + str(l)]) for l in range(1, _layers(parameters) + 1))
    return float(cross_entropy + lambd / (2 * m) * penalty)


@_named("compute_cost_with_regularization")
def cost_m_from_rows(AL, Y, parameters, lambd):
    m = AL.shape[0]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    penalty = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, _layers(parameters) + 1))
    return float(cross_entropy + lambd / (2 * m) * penalty)


@_named("compute_cost_with_regularization")
def cost_precedence_of_lambda(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    penalty = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, _layers(parameters) + 1))
    return float(cross_entropy + lambd / 2 * m * penalty)


@_named("compute_cost_with_regularization")
def cost_log10(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / m
    penalty = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, _layers(parameters) + 1))
    return float(cross_entropy + lambd / (2 * m) * penalty)


@_named("compute_cost_with_regularization")
def cost_first_layer_only(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(cross_entropy + lambd / (2 * m) * np.sum(np.square(parameters["W1"])))


# --- notebook 02: ewa -----------------------------------------------------------------------------


@_named("ewa")
def ewa_weights_swapped_preallocated(theta, beta):
    v = np.zeros(len(theta))
    previous = 0.0
    for t in range(len(theta)):
        previous = (1 - beta) * previous + beta * theta[t]
        v[t] = previous
    return v


@_named("ewa")
def ewa_without_one_minus_beta_preallocated(theta, beta):
    v = np.zeros(len(theta))
    previous = 0.0
    for t in range(len(theta)):
        previous = beta * previous + theta[t]
        v[t] = previous
    return v


@_named("ewa")
def ewa_started_at_first_value(theta, beta):
    v = np.zeros(len(theta))
    previous = theta[0]
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t]
        v[t] = previous
    return v


@_named("ewa")
def ewa_list_with_v0(theta, beta):
    v = [0.0]
    for value in theta:
        v.append(beta * v[-1] + (1 - beta) * value)
    return np.array(v)


@_named("ewa")
def ewa_loop_from_one(theta, beta):
    v = np.zeros(len(theta))
    for t in range(1, len(theta)):
        v[t] = beta * v[t - 1] + (1 - beta) * theta[t]
    return v


@_named("ewa")
def ewa_zeros_like_theta(theta, beta):
    v = np.zeros_like(theta)
    previous = 0
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t]
        v[t] = previous
    return v


@_named("ewa")
def ewa_theta_index_minus_one(theta, beta):
    v = np.zeros(len(theta))
    previous = 0.0
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t - 1]
        v[t] = previous
    return v


@_named("ewa")
def ewa_running_mean(theta, beta):
    theta = np.asarray(theta, dtype=float)
    return np.cumsum(theta) / np.arange(1, len(theta) + 1)


# --- notebook 02: effective_window ----------------------------------------------------------------


@_named("effective_window")
def window_floor(beta):
    return math.floor(1 / (1 - beta))


@_named("effective_window")
def window_inverse_beta(beta):
    return beta ** -1


@_named("effective_window")
def window_beta_over(beta):
    return beta / (1.0 - beta)


@_named("effective_window")
def window_no_parentheses(beta):
    return 1 / 1 - beta


@_named("effective_window")
def window_log(beta):
    return -1 / math.log(beta)


@_named("effective_window")
def window_one_plus_beta(beta):
    return 1 / (1 + beta)


# --- notebook 03: ewa_bias_corrected --------------------------------------------------------------


@_named("ewa_bias_corrected")
def corrected_enumerate_from_zero(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**t) if t > 0 else np.inf)
    return np.array(out)


@_named("ewa_bias_corrected")
def corrected_forgot_correction(theta, beta):
    v = np.zeros(len(theta))
    previous = 0.0
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t]
        v[t] = previous
    return v


@_named("ewa_bias_corrected")
def corrected_power_of_difference(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta) ** t)
    return np.array(out)


@_named("ewa_bias_corrected")
def corrected_fed_back(theta, beta):
    v = np.zeros(len(theta))
    previous = 0.0
    for t in range(1, len(theta) + 1):
        previous = (beta * previous + (1 - beta) * theta[t - 1]) / (1 - beta**t)
        v[t - 1] = previous
    return v


@_named("ewa_bias_corrected")
def corrected_t_plus_one(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta ** (t + 1)))
    return np.array(out)


@_named("ewa_bias_corrected")
def corrected_with_last_step(theta, beta):
    v, out = 0.0, []
    T = len(theta)
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**T))
    return np.array(out)


@_named("ewa_bias_corrected")
def corrected_zeros_like_theta(theta, beta):
    v = np.zeros_like(theta)
    previous = 0
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t]
        v[t] = previous / (1 - beta ** (t + 1))
    return v


# --- notebook 04: initialize_velocity -------------------------------------------------------------


@_named("initialize_velocity")
def velocity_keyed_w(parameters):
    v = {}
    for l in range(1, _layers(parameters) + 1):
        v["W" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["b" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


@_named("initialize_velocity")
def velocity_range_l(parameters):
    v = {}
    for l in range(1, _layers(parameters)):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


@_named("initialize_velocity")
def velocity_ones_like(parameters):
    return {"d" + key: np.ones_like(value) for key, value in parameters.items()}


@_named("initialize_velocity")
def velocity_weights_only(parameters):
    return {"dW" + str(l): np.zeros_like(parameters["W" + str(l)]) for l in range(1, _layers(parameters) + 1)}


@_named("initialize_velocity")
def velocity_column_shape(parameters):
    v = {}
    for l in range(1, _layers(parameters) + 1):
        v["dW" + str(l)] = np.zeros((parameters["W" + str(l)].shape[0], 1))
        v["db" + str(l)] = np.zeros((parameters["b" + str(l)].shape[0], 1))
    return v


# --- notebook 04: update_parameters_with_momentum -------------------------------------------------


def _momentum_loop(parameters, grads, v, beta, learning_rate, velocity, step):
    """A DLAI-style loop: ``velocity(v, dW)`` gives the new v, ``step(W, new_v, old_v, dW)`` the new W."""
    parameters, v = copy.deepcopy(parameters), copy.deepcopy(v)
    for l in range(1, _layers(parameters) + 1):
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            old = v[dkey]
            v[dkey] = velocity(v[dkey], grads[dkey])
            parameters[key] = step(parameters[key], v[dkey], old, grads[dkey])
    return parameters, v


@_named("update_parameters_with_momentum")
def momentum_pytorch_velocity(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + g,
                          lambda W, new, old, g: W - learning_rate * new)


@_named("update_parameters_with_momentum")
def momentum_weights_swapped_loop(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: (1 - beta) * v + beta * g,
                          lambda W, new, old, g: W - learning_rate * new)


@_named("update_parameters_with_momentum")
def momentum_step_before_velocity(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * old)


@_named("update_parameters_with_momentum")
def momentum_plus_equals(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W + learning_rate * new)


@_named("update_parameters_with_momentum")
def momentum_range_l(parameters, grads, v, beta, learning_rate):
    parameters, v = copy.deepcopy(parameters), copy.deepcopy(v)
    L = len(parameters) // 2
    for l in range(1, L):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return parameters, v


@_named("update_parameters_with_momentum")
def momentum_returns_input_parameters(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = {}, {}
    for key in parameters:
        new_v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        new_parameters[key] = parameters[key] - learning_rate * new_v["d" + key]
    return parameters, new_v


@_named("update_parameters_with_momentum")
def momentum_rate_and_beta_swapped_in_def(parameters, grads, v, learning_rate, beta):
    new_parameters, new_v = {}, {}
    for key in parameters:
        new_v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        new_parameters[key] = parameters[key] - learning_rate * new_v["d" + key]
    return new_parameters, new_v


@_named("update_parameters_with_momentum")
def momentum_weight_gradient_for_bias(parameters, grads, v, beta, learning_rate):
    parameters, v = copy.deepcopy(parameters), copy.deepcopy(v)
    for l in range(1, _layers(parameters) + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return parameters, v


@_named("update_parameters_with_momentum")
def momentum_bias_plain_gradient(parameters, grads, v, beta, learning_rate):
    parameters, v = copy.deepcopy(parameters), copy.deepcopy(v)
    for l in range(1, _layers(parameters) + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters, v


@_named("update_parameters_with_momentum")
def momentum_cs231n(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = {}, {}
    for key in parameters:
        new_v["d" + key] = beta * v["d" + key] - learning_rate * grads["d" + key]
        new_parameters[key] = parameters[key] + new_v["d" + key]
    return new_parameters, new_v


# --- notebook 04: update_parameters_with_nesterov -------------------------------------------------


@_named("update_parameters_with_nesterov")
def nesterov_as_momentum(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * new)


@_named("update_parameters_with_nesterov")
def nesterov_look_ahead_without_beta(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * (new + (1 - beta) * g))


@_named("update_parameters_with_nesterov")
def nesterov_look_ahead_whole_gradient(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * (beta * new + g))


@_named("update_parameters_with_nesterov")
def nesterov_look_ahead_with_old_velocity(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * (beta * old + (1 - beta) * g))


@_named("update_parameters_with_nesterov")
def nesterov_velocity_applied_twice(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + (1 - beta) * g,
                          lambda W, new, old, g: W - learning_rate * new - learning_rate * (beta * new + (1 - beta) * g))


@_named("update_parameters_with_nesterov")
def nesterov_pytorch(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v + g,
                          lambda W, new, old, g: W - learning_rate * (g + beta * new))


@_named("update_parameters_with_nesterov")
def nesterov_keras(parameters, grads, v, beta, learning_rate):
    return _momentum_loop(parameters, grads, v, beta, learning_rate, lambda v, g: beta * v - learning_rate * g,
                          lambda W, new, old, g: W + beta * new - learning_rate * g)


# --- notebook 05: initialize_rmsprop --------------------------------------------------------------


@_named("initialize_rmsprop")
def rmsprop_state_copies_parameters(parameters):
    s = {}
    for l in range(1, _layers(parameters) + 1):
        s["dW" + str(l)] = np.array(parameters["W" + str(l)])
        s["db" + str(l)] = np.array(parameters["b" + str(l)])
    return s


@_named("initialize_rmsprop")
def rmsprop_state_plain_zeros(parameters):
    s = {}
    for l in range(1, _layers(parameters) + 1):
        s["dW" + str(l)] = 0
        s["db" + str(l)] = 0
    return s


@_named("initialize_rmsprop")
def rmsprop_state_starts_at_epsilon(parameters):
    return {"d" + key: np.full_like(value, 1e-8) for key, value in parameters.items()}


# --- notebook 05: update_parameters_with_rmsprop --------------------------------------------------


def _rmsprop_loop(parameters, grads, s, beta2, square, step, layers=None):
    """``square(dW)`` enters s; ``step(W, dW, new_s, old_s)`` gives the new W; over ``layers`` (default all)."""
    parameters, s = copy.deepcopy(parameters), copy.deepcopy(s)
    layers = range(1, _layers(parameters) + 1) if layers is None else layers
    for l in layers:
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            old = s[dkey]
            s[dkey] = beta2 * s[dkey] + (1 - beta2) * square(grads[dkey])
            parameters[key] = step(parameters[key], grads[dkey], s[dkey], old)
    return parameters, s


@_named("update_parameters_with_rmsprop")
def rmsprop_without_one_minus_beta(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    parameters, s = copy.deepcopy(parameters), copy.deepcopy(s)
    for key in parameters:
        s["d" + key] = beta2 * s["d" + key] + grads["d" + key] ** 2
        parameters[key] = parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
    return parameters, s


@_named("update_parameters_with_rmsprop")
def rmsprop_epsilon_under_root(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - learning_rate * g / np.sqrt(new + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_forgot_root(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - learning_rate * g / (new + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_step_with_old_s(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(old) + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_hard_coded_epsilon(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(new) + 1e-8))


@_named("update_parameters_with_rmsprop")
def rmsprop_skips_last_layer(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(new) + epsilon),
                         layers=range(1, _layers(parameters)))


@_named("update_parameters_with_rmsprop")
def rmsprop_absolute_gradient(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.abs,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(new) + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_times_two_for_squared(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, lambda g: g * 2,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(new) + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_gradient_not_squared(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, lambda g: g,
                         lambda W, g, new, old: W - learning_rate * g / (np.sqrt(np.abs(new)) + epsilon))


@_named("update_parameters_with_rmsprop")
def rmsprop_epsilon_added_to_ratio(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W - (learning_rate / np.sqrt(new) + epsilon) * g)


@_named("update_parameters_with_rmsprop")
def rmsprop_plus_equals(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    return _rmsprop_loop(parameters, grads, s, beta2, np.square,
                         lambda W, g, new, old: W + learning_rate * g / (np.sqrt(new) + epsilon))


# --- notebook 06: initialize_adam -----------------------------------------------------------------


@_named("initialize_adam")
def adam_init_chained_assignment(parameters):
    v = s = {}
    for l in range(1, _layers(parameters) + 1):
        v["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        v["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
    return v, s


@_named("initialize_adam")
def adam_init_one_array_each(parameters):
    v, s = {}, {}
    for l in range(1, _layers(parameters) + 1):
        for name in ("W", "b"):
            zeros = np.zeros(parameters[name + str(l)].shape)
            v["d" + name + str(l)] = zeros
            s["d" + name + str(l)] = zeros
    return v, s


@_named("initialize_adam")
def adam_init_s_keyed_like_parameters(parameters):
    v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    s = {key: np.zeros_like(value) for key, value in parameters.items()}
    return v, s


@_named("initialize_adam")
def adam_init_s_misses_last_layer(parameters):
    v, s = {}, {}
    L = _layers(parameters)
    for l in range(1, L + 1):
        v["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        v["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
    for l in range(1, L):
        s["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        s["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
    return v, s


# --- notebook 06: update_parameters_with_adam -----------------------------------------------------


def _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **knobs):
    """A DLAI-style Adam loop; each knob replaces one line: ``first``, ``second`` (the moments' updates),
    ``v_hat``, ``s_hat``, ``step``, ``returned``."""
    parameters, v, s = copy.deepcopy(parameters), copy.deepcopy(v), copy.deepcopy(s)
    inputs = copy.deepcopy((v, s))
    v_corrected, s_corrected = {}, {}
    new_v = knobs.get("first", lambda v, g, l: beta1 * v + (1 - beta1) * g)
    new_s = knobs.get("second", lambda s, g, v, l: beta2 * s + (1 - beta2) * np.square(g))
    v_hat = knobs.get("v_hat", lambda v, l: v / (1 - beta1**t))
    s_hat = knobs.get("s_hat", lambda s, l: s / (1 - beta2**t))
    step = knobs.get("step", lambda W, vh, sh, v, s, g: W - learning_rate * vh / (np.sqrt(sh) + epsilon))
    for l in range(1, _layers(parameters) + 1):
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            v[dkey] = new_v(v[dkey], grads[dkey], l)
            s[dkey] = new_s(s[dkey], grads[dkey], v[dkey], l)
            v_corrected[dkey] = v_hat(v[dkey], l)
            s_corrected[dkey] = s_hat(s[dkey], l)
            parameters[key] = step(parameters[key], v_corrected[dkey], s_corrected[dkey], v[dkey], s[dkey],
                                   grads[dkey])
    if "returned" in knobs:
        return knobs["returned"](parameters, v, s, v_corrected, s_corrected, inputs)
    return parameters, v, s, v_corrected, s_corrected


@_named("update_parameters_with_adam")
def adam_without_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      v_hat=lambda v, l: v, s_hat=lambda s, l: s)


@_named("update_parameters_with_adam")
def adam_t_plus_one_in_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      v_hat=lambda v, l: v / (1 - beta1 ** (t + 1)), s_hat=lambda s, l: s / (1 - beta2 ** (t + 1)))


@_named("update_parameters_with_adam")
def adam_epsilon_under_root(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      step=lambda W, vh, sh, v, s, g: W - learning_rate * vh / np.sqrt(sh + epsilon))


@_named("update_parameters_with_adam")
def adam_second_moment_with_beta1(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      second=lambda s, g, v, l: beta1 * s + (1 - beta1) * g**2)


@_named("update_parameters_with_adam")
def adam_steps_with_raw_moments(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      step=lambda W, vh, sh, v, s, g: W - learning_rate * v / (np.sqrt(s) + epsilon))


@_named("update_parameters_with_adam")
def adam_returns_corrected_as_state(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      returned=lambda p, v, s, vh, sh, inputs: (p, vh, sh, vh, sh))


@_named("update_parameters_with_adam")
def adam_power_of_difference(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      v_hat=lambda v, l: v / (1 - beta1) ** t, s_hat=lambda s, l: s / (1 - beta2) ** t)


@_named("update_parameters_with_adam")
def adam_gradient_not_squared(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      second=lambda s, g, v, l: beta2 * s + (1 - beta2) * g)


@_named("update_parameters_with_adam")
def adam_first_moment_corrected_with_beta2(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                           epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      v_hat=lambda v, l: v / (1 - beta2**t))


@_named("update_parameters_with_adam")
def adam_layer_number_for_t(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      v_hat=lambda v, l: v / (1 - beta1**l), s_hat=lambda s, l: s / (1 - beta2**l))


@_named("update_parameters_with_adam")
def adam_squares_the_moment(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      second=lambda s, g, v, l: beta2 * s + (1 - beta2) * np.square(v))


@_named("update_parameters_with_adam")
def adam_returns_input_moments(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      returned=lambda p, v, s, vh, sh, inputs: (p, *inputs, vh, sh))


@_named("update_parameters_with_adam")
def adam_tensorflow_epsilon_hat(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    rate = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return _adam_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                      step=lambda W, vh, sh, v, s, g: W - rate * v / (np.sqrt(s) + epsilon))


# --- notebook 07: update_lr -----------------------------------------------------------------------


@_named("update_lr")
def update_lr_unparenthesised(learning_rate0, epoch_num, decay_rate):
    learning_rate = learning_rate0 / 1 + epoch_num * decay_rate
    return learning_rate


@_named("update_lr")
def update_lr_next_epoch(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate * (epoch_num + 1))


@_named("update_lr")
def update_lr_grows(learning_rate0, epoch_num, decay_rate):
    return (1 + decay_rate * epoch_num) * learning_rate0


@_named("update_lr")
def update_lr_power(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 + decay_rate ** epoch_num)


@_named("update_lr")
def update_lr_minus(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 / (1 - decay_rate * epoch_num)


@_named("update_lr")
def update_lr_floor_division(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 // (1 + decay_rate * epoch_num)


# --- notebook 07: schedule_lr_decay ---------------------------------------------------------------


@_named("schedule_lr_decay")
def schedule_rounded(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.round(epoch_num / time_interval))


@_named("schedule_lr_decay")
def schedule_smooth(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * (epoch_num / time_interval))


@_named("schedule_lr_decay")
def schedule_ceiling_division(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * -(-epoch_num // time_interval))


@_named("schedule_lr_decay")
def schedule_every_epoch(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num))


@_named("schedule_lr_decay")
def schedule_interval_over_epoch(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    with np.errstate(divide="ignore"):
        return learning_rate0 / (1 + decay_rate * np.floor(time_interval / np.asarray(epoch_num, dtype=float)))


@_named("schedule_lr_decay")
def schedule_modulo(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * (epoch_num % time_interval))


@_named("schedule_lr_decay")
def schedule_keras_exponential_staircase(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * decay_rate ** np.floor(epoch_num / time_interval)


@_named("schedule_lr_decay")
def schedule_keras_step_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 * np.power(decay_rate, np.floor((1 + epoch_num) / time_interval))


# --- notebook 07: exponential_decay ---------------------------------------------------------------


@_named("exponential_decay")
def exponential_rate_to_the_epoch(learning_rate0, epoch_num, base=0.95):
    return base * learning_rate0 ** epoch_num


@_named("exponential_decay")
def exponential_one_epoch_ahead(learning_rate0, epoch_num, base=0.95):
    return np.power(base, epoch_num + 1) * learning_rate0


@_named("exponential_decay")
def exponential_without_rate(learning_rate0, epoch_num, base=0.95):
    return np.power(base, epoch_num)


@_named("exponential_decay")
def exponential_divides(learning_rate0, epoch_num, base=0.95):
    return learning_rate0 / base ** epoch_num


@_named("exponential_decay")
def exponential_natural(learning_rate0, epoch_num, base=0.95):
    return learning_rate0 * np.exp(-base * epoch_num)


# --- notebook 07: inverse_sqrt_decay --------------------------------------------------------------


@_named("inverse_sqrt_decay")
def inverse_sqrt_without_root(learning_rate0, epoch_num, k=1.0):
    return k * learning_rate0 / epoch_num


@_named("inverse_sqrt_decay")
def inverse_sqrt_next_epoch(learning_rate0, epoch_num, k=1.0):
    return k / np.sqrt(epoch_num + 1) * learning_rate0


@_named("inverse_sqrt_decay")
def inverse_sqrt_k_inside(learning_rate0, epoch_num, k=1.0):
    return (k / epoch_num) ** 0.5 * learning_rate0


@_named("inverse_sqrt_decay")
def inverse_sqrt_divided_by_k(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 / np.sqrt(epoch_num) / k


@_named("inverse_sqrt_decay")
def inverse_sqrt_squared(learning_rate0, epoch_num, k=1.0):
    return k / epoch_num**2 * learning_rate0


# --- notebook 08: critical_point_type -------------------------------------------------------------


def _classify(positive, negative, zero):
    if positive and negative:
        return "saddle"
    if zero:
        return "degenerate"
    return "minimum" if positive else "maximum"


@_named("critical_point_type")
def critical_compares_with_zero(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    positive = sum(1 for value in eigenvalues if value > 0)
    negative = sum(1 for value in eigenvalues if value < 0)
    zero = sum(1 for value in eigenvalues if value == 0)
    return _classify(positive, negative, zero)


@_named("critical_point_type")
def critical_min_max_reversed(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    positive, negative = np.any(eigenvalues > tol), np.any(eigenvalues < -tol)
    if positive and negative:
        return "saddle"
    if np.any(np.abs(eigenvalues) <= tol):
        return "degenerate"
    return "maximum" if positive else "minimum"


@_named("critical_point_type")
def critical_diagonal(hessian, tol=1e-8):
    values = np.diag(hessian)
    return _classify(np.any(values > tol), np.any(values < -tol), np.any(np.abs(values) <= tol))


@_named("critical_point_type")
def critical_never_degenerate(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


@_named("critical_point_type")
def critical_strictly_below_tol(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    return _classify(np.any(eigenvalues >= tol), np.any(eigenvalues <= -tol), np.any(np.abs(eigenvalues) < tol))


@_named("critical_point_type")
def critical_tolerance_sign_flipped(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    return _classify(np.any(eigenvalues > -tol), np.any(eigenvalues < tol), np.any(np.abs(eigenvalues) <= tol))


@_named("critical_point_type")
def critical_zero_counts_as_positive(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    if np.all(eigenvalues >= -tol):
        return "minimum"
    if np.all(eigenvalues <= tol):
        return "maximum"
    if np.any(np.abs(eigenvalues) <= tol):
        return "degenerate"
    return "saddle"


# --- notebook 08: fraction_positive_definite ------------------------------------------------------


@_named("fraction_positive_definite")
def fraction_unsymmetrized_loop(n, trials=1000, seed=0):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(trials):
        if np.min(np.linalg.eigvalsh(rng.standard_normal((n, n)))) > 0:
            count += 1
    return count / trials


@_named("fraction_positive_definite")
def fraction_returns_count(n, trials=1000, seed=0):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(trials):
        A = rng.standard_normal((n, n))
        if np.all(np.linalg.eigvalsh((A + A.T) / 2) > 0):
            count += 1
    return count


@_named("fraction_positive_definite")
def fraction_any_eigenvalue(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    eigenvalues = np.linalg.eigvalsh((A + np.transpose(A, (0, 2, 1))) / 2)
    return float(np.mean(np.any(eigenvalues > 0, axis=1)))


@_named("fraction_positive_definite")
def fraction_fixed_seed(n, trials=1000, seed=0):
    rng = np.random.default_rng(42)
    count = 0
    for _ in range(trials):
        A = rng.standard_normal((n, n))
        if np.min(np.linalg.eigvalsh((A + A.T) / 2)) > 0:
            count += 1
    return count / trials


@_named("fraction_positive_definite")
def fraction_a_times_a_transpose(n, trials=1000, seed=0):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(trials):
        A = rng.standard_normal((n, n))
        if np.min(np.linalg.eigvalsh(A @ A.T)) > 0:
            count += 1
    return count / trials


@_named("fraction_positive_definite")
def fraction_first_matrix_only(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    eigenvalues = np.linalg.eigvalsh((A + np.swapaxes(A, 1, 2)) / 2)
    return float(np.mean(eigenvalues[0] > 0))


@_named("fraction_positive_definite")
def fraction_positive_trace(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    symmetric = (A + np.swapaxes(A, 1, 2)) / 2
    return float(np.mean(np.trace(symmetric, axis1=1, axis2=2) > 0))


# --- notebook 09: update_parameters_with_adamw, warmup_cosine_lr, clip_by_global_norm, lion (issue 23) ---


def _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay, **knobs):
    """A loop-style AdamW; each knob replaces one line: ``gradient`` (what the moments see) or ``step``."""
    gradient = knobs.get("gradient", lambda g, W, name: g)
    step = knobs.get("step", lambda W, direction, name: W - learning_rate * (
        direction + (weight_decay * W if name == "W" else 0)))
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for l in range(1, _layers(parameters) + 1):
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            g = gradient(grads[dkey], parameters[key], name)
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * g
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * g**2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            direction = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = step(parameters[key], direction, name)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@_named("update_parameters_with_adamw")
def adamw_decay_in_gradient(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                            weight_decay=0.01):
    return _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay,
                       gradient=lambda g, W, name: g + weight_decay * W if name == "W" else g,
                       step=lambda W, direction, name: W - learning_rate * direction)


@_named("update_parameters_with_adamw")
def adamw_decays_every_parameter(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8, weight_decay=0.01):
    return _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay,
                       step=lambda W, direction, name: W - learning_rate * (direction + weight_decay * W))


@_named("update_parameters_with_adamw")
def adamw_decay_outside_the_rate(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8, weight_decay=0.01):
    return _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay,
                       step=lambda W, direction, name: W - learning_rate * direction - (
                           weight_decay * W if name == "W" else 0))


@_named("update_parameters_with_adamw")
def adamw_decays_the_stepped_weight(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8, weight_decay=0.01):
    return _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay,
                       step=lambda W, direction, name: (W - learning_rate * direction) * (
                           1 - learning_rate * weight_decay if name == "W" else 1))


@_named("update_parameters_with_adamw")
def adamw_decay_grows_weights(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999,
                              epsilon=1e-8, weight_decay=0.01):
    return _adamw_loop(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay,
                       step=lambda W, direction, name: W - learning_rate * (
                           direction - (weight_decay * W if name == "W" else 0)))


def _schedule(learning_rate0, step, warmup_steps, total_steps, min_lr, half=0.5, start=None, length=None,
              wave=np.cos):
    step = np.asarray(step, dtype=float)
    start = warmup_steps if start is None else start
    length = total_steps - warmup_steps if length is None else length
    progress = np.minimum((step - start) / length, 1.0)
    decay = min_lr + (learning_rate0 - min_lr) * half * (1 + wave(np.pi * progress))
    return np.where(step < warmup_steps, learning_rate0 * step / warmup_steps, decay)


@_named("warmup_cosine_lr")
def cosine_full_swing(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    return _schedule(learning_rate0, step, warmup_steps, total_steps, min_lr, half=1.0)


@_named("warmup_cosine_lr")
def cosine_over_all_steps(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    return _schedule(learning_rate0, step, warmup_steps, total_steps, min_lr, start=0, length=total_steps)


@_named("warmup_cosine_lr")
def cosine_one_step_short(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    return _schedule(learning_rate0, step, warmup_steps, total_steps, min_lr,
                     length=total_steps - warmup_steps - 1)


@_named("warmup_cosine_lr")
def cosine_with_sine(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    return _schedule(learning_rate0, step, warmup_steps, total_steps, min_lr, wave=np.sin)


@_named("warmup_cosine_lr")
def cosine_with_if(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return learning_rate0 * step / warmup_steps
    progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1)
    return min_lr + (learning_rate0 - min_lr) * 0.5 * (1 + np.cos(np.pi * progress))


def _norm(grads):
    return np.sqrt(sum(np.sum(g**2) for g in grads.values()))


@_named("clip_by_global_norm")
def clip_each_array(grads, max_norm):
    clipped = {}
    for key, g in grads.items():
        norm = np.linalg.norm(g)
        clipped[key] = g * max_norm / norm if norm > max_norm else g.copy()
    return clipped, np.sqrt(sum(np.sum(g**2) for g in grads.values()))


@_named("clip_by_global_norm")
def clip_reports_clipped_norm(grads, max_norm):
    total_norm = _norm(grads)
    clipped = {key: g * min(1.0, max_norm / (total_norm + 1e-6)) for key, g in grads.items()}
    return clipped, _norm(clipped)


@_named("clip_by_global_norm")
def clip_mean_square_norm(grads, max_norm):
    total_norm = np.sqrt(np.mean([np.mean(g**2) for g in grads.values()]))
    return {key: g * min(1.0, max_norm / (total_norm + 1e-6)) for key, g in grads.items()}, total_norm


@_named("clip_by_global_norm")
def clip_largest_entry(grads, max_norm):
    total_norm = max(np.max(np.abs(g)) for g in grads.values())
    return {key: g * min(1.0, max_norm / (total_norm + 1e-6)) for key, g in grads.items()}, total_norm


def _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay, **knobs):
    """A loop-style Lion; knobs replace the direction, the momentum update or the step."""
    direction = knobs.get("direction", lambda m, g, new_m: np.sign(beta1 * m + (1 - beta1) * g))
    momentum = knobs.get("momentum", lambda m, g: beta2 * m + (1 - beta2) * g)
    step = knobs.get("step", lambda W, d, name: W - learning_rate * (d + (weight_decay * W if name == "W" else 0)))
    new_parameters, new_m = {}, {}
    for l in range(1, _layers(parameters) + 1):
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            new_m[dkey] = momentum(m[dkey], grads[dkey])
            new_parameters[key] = step(parameters[key], direction(m[dkey], grads[dkey], new_m[dkey]), name)
    return new_parameters, new_m


@_named("update_parameters_with_lion")
def lion_momentum_first(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    return _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay,
                      direction=lambda m, g, new_m: np.sign(new_m))


@_named("update_parameters_with_lion")
def lion_one_beta(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    return _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay,
                      momentum=lambda m, g: beta1 * m + (1 - beta1) * g)


@_named("update_parameters_with_lion")
def lion_betas_swapped(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    return _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay,
                      direction=lambda m, g, new_m: np.sign(beta2 * m + (1 - beta2) * g),
                      momentum=lambda m, g: beta1 * m + (1 - beta1) * g)


@_named("update_parameters_with_lion")
def lion_climbs(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    return _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay,
                      step=lambda W, d, name: W + learning_rate * d - (
                          learning_rate * weight_decay * W if name == "W" else 0))


@_named("update_parameters_with_lion")
def lion_decays_biases(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    return _lion_loop(parameters, grads, m, learning_rate, beta1, beta2, weight_decay,
                      step=lambda W, d, name: W - learning_rate * (d + weight_decay * W))


HELDOUT = [
    rows_shuffled, len_x_as_m, cost_left_as_array, cost_len_y_as_b, gd_layers_from_zero, gd_learning_rate_squared,
    ewa_forgot_return, ewa_scaled_by_beta, ewa_returns_list_of_lists, window_rounded, corrected_one_step_late,
    velocity_transposed, momentum_wrong_order, momentum_forgot_return, momentum_learning_rate_in_velocity,
    rmsprop_squared_root, rmsprop_keys_like_parameters, adam_init_swapped, adam_returns_in_other_order,
    adam_v_times_learning_rate, nesterov_minus_gradient, update_lr_if_on_epoch, exponential_with_math_exp,
    inverse_sqrt_half_k, schedule_int_cast, critical_returns_capitalised, fraction_as_percentage,
    # issue 21
    gd_plus_in_loop, gd_without_rate_in_loop, gd_weights_only_in_loop, gd_range_one_to_l_minus_one,
    gd_bias_with_weight_gradient, gd_divided_by_rate,
    batches_unshuffled_loop, batches_only_complete, batches_two_draws, batches_seeded_global,
    batches_slices_start_at_k, batches_labels_not_shuffled, batches_choice_with_replacement,
    cost_summed_not_averaged, cost_lambda_over_m, cost_penalises_everything, cost_frobenius_not_squared,
    cost_m_from_rows, cost_precedence_of_lambda, cost_log10, cost_first_layer_only,
    ewa_weights_swapped_preallocated, ewa_without_one_minus_beta_preallocated, ewa_started_at_first_value,
    ewa_list_with_v0, ewa_loop_from_one, ewa_zeros_like_theta, ewa_theta_index_minus_one, ewa_running_mean,
    window_floor, window_inverse_beta, window_beta_over, window_no_parentheses, window_log, window_one_plus_beta,
    corrected_enumerate_from_zero, corrected_forgot_correction, corrected_power_of_difference, corrected_fed_back,
    corrected_t_plus_one, corrected_with_last_step, corrected_zeros_like_theta,
    velocity_keyed_w, velocity_range_l, velocity_ones_like, velocity_weights_only, velocity_column_shape,
    momentum_pytorch_velocity, momentum_weights_swapped_loop, momentum_step_before_velocity, momentum_plus_equals,
    momentum_range_l, momentum_returns_input_parameters, momentum_rate_and_beta_swapped_in_def,
    momentum_weight_gradient_for_bias, momentum_bias_plain_gradient, momentum_cs231n,
    nesterov_as_momentum, nesterov_look_ahead_without_beta, nesterov_look_ahead_whole_gradient,
    nesterov_look_ahead_with_old_velocity, nesterov_velocity_applied_twice, nesterov_pytorch, nesterov_keras,
    rmsprop_state_copies_parameters, rmsprop_state_plain_zeros, rmsprop_state_starts_at_epsilon,
    rmsprop_without_one_minus_beta, rmsprop_epsilon_under_root, rmsprop_forgot_root, rmsprop_step_with_old_s,
    rmsprop_hard_coded_epsilon, rmsprop_skips_last_layer, rmsprop_absolute_gradient, rmsprop_times_two_for_squared,
    rmsprop_gradient_not_squared, rmsprop_epsilon_added_to_ratio, rmsprop_plus_equals,
    adam_init_chained_assignment, adam_init_one_array_each, adam_init_s_keyed_like_parameters,
    adam_init_s_misses_last_layer,
    adam_without_bias_correction, adam_t_plus_one_in_correction, adam_epsilon_under_root,
    adam_second_moment_with_beta1, adam_steps_with_raw_moments, adam_returns_corrected_as_state,
    adam_power_of_difference, adam_gradient_not_squared, adam_first_moment_corrected_with_beta2,
    adam_layer_number_for_t, adam_squares_the_moment, adam_returns_input_moments, adam_tensorflow_epsilon_hat,
    update_lr_unparenthesised, update_lr_next_epoch, update_lr_grows, update_lr_power, update_lr_minus,
    update_lr_floor_division,
    schedule_rounded, schedule_smooth, schedule_ceiling_division, schedule_every_epoch, schedule_interval_over_epoch,
    schedule_modulo, schedule_keras_exponential_staircase, schedule_keras_step_decay,
    exponential_rate_to_the_epoch, exponential_one_epoch_ahead, exponential_without_rate, exponential_divides,
    exponential_natural,
    inverse_sqrt_without_root, inverse_sqrt_next_epoch, inverse_sqrt_k_inside, inverse_sqrt_divided_by_k,
    inverse_sqrt_squared,
    critical_compares_with_zero, critical_min_max_reversed, critical_diagonal, critical_never_degenerate,
    critical_strictly_below_tol, critical_tolerance_sign_flipped, critical_zero_counts_as_positive,
    fraction_unsymmetrized_loop, fraction_returns_count, fraction_any_eigenvalue, fraction_fixed_seed,
    fraction_a_times_a_transpose, fraction_first_matrix_only, fraction_positive_trace,
    # issue 23
    adamw_decay_in_gradient, adamw_decays_every_parameter, adamw_decay_outside_the_rate,
    adamw_decays_the_stepped_weight, adamw_decay_grows_weights,
    cosine_full_swing, cosine_over_all_steps, cosine_one_step_short, cosine_with_sine, cosine_with_if,
    clip_each_array, clip_reports_clipped_norm, clip_mean_square_norm, clip_largest_entry,
    lion_momentum_first, lion_one_beta, lion_betas_swapped, lion_climbs, lion_decays_biases,
]

# Held-out mistakes of a kind the registry knew when this set was written (label -> its mistake id): the
# same mistake in a learner's own code, which check() should name with the registry's sentence.
REGISTERED_AS = {
    "gd_plus_in_loop": "added_gradient",
    "gd_without_rate_in_loop": "forgot_learning_rate",
    "gd_weights_only_in_loop": "biases_not_updated",
    "gd_range_one_to_l_minus_one": "last_layer_skipped",
    "batches_unshuffled_loop": "not_shuffled",
    "batches_only_complete": "last_batch_dropped",
    "batches_two_draws": "different_permutations",
    "batches_seeded_global": "global_rng",
    "batches_choice_with_replacement": "with_replacement",
    "cost_summed_not_averaged": "cross_entropy_not_averaged",
    "cost_lambda_over_m": "missing_half",
    "cost_penalises_everything": "penalises_biases",
    "cost_frobenius_not_squared": "norm_not_squared",
    "cost_m_from_rows": "used_shape_0",
    "ewa_weights_swapped_preallocated": "swapped_weights",
    "ewa_without_one_minus_beta_preallocated": "missing_one_minus_beta",
    "ewa_started_at_first_value": "v0_is_theta1",
    "ewa_list_with_v0": "includes_v0",
    "window_floor": "truncated",
    "window_inverse_beta": "one_over_beta",
    "window_beta_over": "beta_over_one_minus_beta",
    "window_no_parentheses": "forgot_reciprocal",
    "corrected_enumerate_from_zero": "t_from_zero",
    "corrected_forgot_correction": "not_corrected",
    "corrected_power_of_difference": "power_outside",
    "corrected_fed_back": "cumulative_correction",
    "velocity_keyed_w": "keys_like_parameters",
    "velocity_range_l": "last_layer_skipped",
    "velocity_ones_like": "ones",
    "momentum_pytorch_velocity": "missing_one_minus_beta",
    "momentum_weights_swapped_loop": "swapped_weights",
    "momentum_step_before_velocity": "stepped_with_old_velocity",
    "momentum_plus_equals": "added_velocity",
    "momentum_range_l": "last_layer_skipped",
    "nesterov_as_momentum": "stepped_with_velocity",
    "nesterov_look_ahead_without_beta": "look_ahead_missing_beta",
    "nesterov_look_ahead_whole_gradient": "look_ahead_missing_one_minus_beta",
    "nesterov_look_ahead_with_old_velocity": "stepped_with_velocity",
    "rmsprop_state_copies_parameters": "copied_parameters",
    "rmsprop_state_plain_zeros": "scalar_zeros",
    "rmsprop_without_one_minus_beta": "missing_one_minus_beta",
    "rmsprop_epsilon_under_root": "epsilon_inside_sqrt",
    "rmsprop_forgot_root": "missing_sqrt",
    "rmsprop_step_with_old_s": "divided_by_old_s",
    "rmsprop_hard_coded_epsilon": "ignores_epsilon_argument",
    "adam_init_chained_assignment": "same_dict",
    "adam_init_one_array_each": "shared_arrays",
    "adam_without_bias_correction": "no_bias_correction",
    "adam_t_plus_one_in_correction": "t_plus_one",
    "adam_epsilon_under_root": "epsilon_inside_sqrt",
    "adam_second_moment_with_beta1": "s_with_beta1",
    "adam_steps_with_raw_moments": "stepped_with_uncorrected",
    "adam_returns_corrected_as_state": "corrected_moments_stored",
    "adam_power_of_difference": "power_outside",
    "update_lr_unparenthesised": "no_parentheses",
    "update_lr_next_epoch": "epoch_from_one",
    "update_lr_grows": "multiplied",
    "schedule_rounded": "round",
    "schedule_smooth": "no_floor",
    "schedule_ceiling_division": "round_up",
    "schedule_every_epoch": "ignores_interval",
    "exponential_rate_to_the_epoch": "exponent_on_alpha0",
    "exponential_one_epoch_ahead": "epoch_from_one",
    "exponential_without_rate": "missing_alpha0",
    "inverse_sqrt_without_root": "no_sqrt",
    "inverse_sqrt_next_epoch": "epoch_from_zero",
    "inverse_sqrt_k_inside": "k_under_root",
    "inverse_sqrt_divided_by_k": "divides_by_k",
    "critical_compares_with_zero": "exact_zero",
    "critical_min_max_reversed": "min_max_swapped",
    "critical_diagonal": "diagonal_signs",
    "critical_never_degenerate": "ignores_degenerate",
    "critical_strictly_below_tol": "strict_tol",
    "fraction_unsymmetrized_loop": "non_symmetric",
    "fraction_returns_count": "count",
    "fraction_any_eigenvalue": "any_positive",
    "fraction_fixed_seed": "ignores_seed",
    "adamw_decay_in_gradient": "l2_in_gradient",
    "adamw_decays_every_parameter": "decay_on_b",
    "adamw_decay_outside_the_rate": "decay_not_times_alpha",
    "cosine_full_swing": "cosine_without_half",
    "cosine_over_all_steps": "warmup_inside_cosine",
    "cosine_with_if": "scalar_only",
    "clip_each_array": "per_array_norm",
    "clip_reports_clipped_norm": "norm_after_clipping",
    "lion_momentum_first": "sign_of_m",
    "lion_one_beta": "m_with_beta1",
    "lion_decays_biases": "decay_on_b",
}

# Conventions learners bring from elsewhere (label -> where it comes from); issue 21 asks the registry to
# know them, with their source named.
CONVENTIONS = {
    "momentum_cs231n": "CS231n's momentum, v = βv − α·dW and W = W + v",
    "nesterov_pytorch": "PyTorch's SGD(nesterov=True)",
    "nesterov_keras": "Keras's SGD(nesterov=True)",
    "adam_tensorflow_epsilon_hat": "TensorFlow's Adam with ε-hat",
    "schedule_keras_exponential_staircase": "Keras's ExponentialDecay(staircase=True)",
    "schedule_keras_step_decay": "Keras's step decay, α₀·drop^⌊(1 + epoch)/epochs_drop⌋",
}
