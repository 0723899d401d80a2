"""Correct implementations written differently from solutions/: loops, other NumPy calls, DLAI's style.

tests/test_feedback.py asserts that check() accepts every one of them. Each is named like its
exercise (check() finds the exercise by name).
"""

import copy
import math

import numpy as np


def _named(name):
    def rename(fn):
        fn.__name__ = name
        return fn

    return rename


@_named("update_parameters_with_gd")
def gd_dlai_loop(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


@_named("random_mini_batches")
def mini_batches_dlai_loop(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = list(np.random.default_rng(seed).permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((1, m))
    mini_batches = []
    complete = math.floor(m / mini_batch_size)
    for k in range(complete):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, complete * mini_batch_size:], shuffled_Y[:, complete * mini_batch_size:]))
    return mini_batches


@_named("compute_cost_with_regularization")
def cost_with_dot_and_norm(AL, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    L = len(parameters) // 2
    penalty = lambd / (2 * m) * sum(np.linalg.norm(parameters["W" + str(l)]) ** 2 for l in range(1, L + 1))
    return float(np.squeeze(cross_entropy)) + penalty


@_named("ewa")
def ewa_preallocated(theta, beta):
    v = np.zeros(len(theta))
    previous = 0
    for t in range(len(theta)):
        previous = beta * previous + (1 - beta) * theta[t]
        v[t] = previous
    return v


@_named("effective_window")
def window_power(beta):
    return (1 - beta) ** -1


@_named("ewa_bias_corrected")
def corrected_in_the_loop(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**t))
    return np.array(out)


@_named("initialize_velocity")
def velocity_dlai_loop(parameters):
    v = {}
    for l in range(1, len(parameters) // 2 + 1):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


@_named("update_parameters_with_momentum")
def momentum_dlai_loop(parameters, grads, v, beta, learning_rate):
    parameters, v = dict(parameters), dict(v)
    for l in range(1, len(parameters) // 2 + 1):
        for name in ("W", "b"):
            v["d" + name + str(l)] = beta * v["d" + name + str(l)] + (1 - beta) * grads["d" + name + str(l)]
            parameters[name + str(l)] = parameters[name + str(l)] - learning_rate * v["d" + name + str(l)]
    return parameters, v


@_named("update_parameters_with_nesterov")
def nesterov_loop(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = {}, {}
    for key, value in parameters.items():
        g = grads["d" + key]
        new_v["d" + key] = beta * v["d" + key] + (1 - beta) * g
        look_ahead = beta * new_v["d" + key] + (1 - beta) * g
        new_parameters[key] = value - learning_rate * look_ahead
    return new_parameters, new_v


@_named("initialize_rmsprop")
def rmsprop_state_from_grads_keys(parameters):
    return {"d" + key: np.zeros_like(value, dtype=float) for key, value in parameters.items()}


@_named("update_parameters_with_rmsprop")
def rmsprop_loop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_parameters, new_s = {}, {}
    for key in parameters:
        new_s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2
        new_parameters[key] = parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(new_s["d" + key]) + epsilon)
    return new_parameters, new_s


@_named("initialize_adam")
def adam_init_loop(parameters):
    v, s = {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for name in ("W", "b"):
            v["d" + name + str(l)] = np.zeros_like(parameters[name + str(l)])
            s["d" + name + str(l)] = np.zeros_like(parameters[name + str(l)])
    return v, s


@_named("update_parameters_with_adam")
def adam_dlai_loop(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    parameters, v, s = copy.deepcopy(parameters), copy.deepcopy(v), copy.deepcopy(s)
    v_corrected, s_corrected = {}, {}
    for l in range(len(parameters) // 2):
        for name in ("dW", "db"):
            key = name + str(l + 1)
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            v_corrected[key] = v[key] / (1 - np.power(beta1, t))
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            s_corrected[key] = s[key] / (1 - np.power(beta2, t))
            parameters[key[1:]] = parameters[key[1:]] - learning_rate * v_corrected[key] / (
                np.sqrt(s_corrected[key]) + epsilon)
    return parameters, v, s, v_corrected, s_corrected


@_named("update_lr")
def update_lr_divide(learning_rate0, epoch_num, decay_rate):
    return np.divide(learning_rate0, 1 + decay_rate * np.asarray(epoch_num))


@_named("schedule_lr_decay")
def schedule_floor_divide(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.floor_divide(epoch_num, time_interval))


@_named("exponential_decay")
def exponential_power(learning_rate0, epoch_num, base=0.95):
    return np.power(base, epoch_num) * learning_rate0


@_named("inverse_sqrt_decay")
def inverse_sqrt_power(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 * k * np.asarray(epoch_num, dtype=float) ** -0.5


@_named("critical_point_type")
def critical_counting(hessian, tol=1e-8):
    eigenvalues = np.real(np.linalg.eigvals(np.asarray(hessian, dtype=float)))
    positive = sum(1 for value in eigenvalues if value > tol)
    negative = sum(1 for value in eigenvalues if value < -tol)
    if positive and negative:
        return "saddle"
    if positive + negative < len(eigenvalues):
        return "degenerate"
    return "minimum" if negative == 0 else "maximum"


@_named("fraction_positive_definite")
def fraction_loop(n, trials=1000, seed=0):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(trials):
        A = rng.standard_normal((n, n))
        if np.min(np.linalg.eigvalsh((A + A.T) / 2)) > 0:
            count += 1
    return count / trials


@_named("update_parameters_with_adamw")
def adamw_decay_first(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                      weight_decay=0.01):
    # PyTorch's order: shrink the weights first, then take Adam's step (which does not depend on W).
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for key, value in parameters.items():
        dkey = "d" + key
        shrunk = value * (1 - learning_rate * weight_decay) if key[0] == "W" else value
        new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
        new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * np.square(grads[dkey])
        v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
        s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
        new_parameters[key] = shrunk - learning_rate * v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@_named("warmup_cosine_lr")
def warmup_cosine_piecewise(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    step = np.asarray(step, dtype=float)
    p = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0, 1)
    cosine = min_lr + 0.5 * (learning_rate0 - min_lr) * (1 + np.cos(math.pi * p))
    return np.piecewise(step, [step < warmup_steps], [lambda k: learning_rate0 * k / warmup_steps, lambda k: 0]) + \
        (step >= warmup_steps) * cosine


@_named("clip_by_global_norm")
def clip_with_linalg_norm(grads, max_norm):
    total_norm = np.linalg.norm(np.concatenate([grad.ravel() for grad in grads.values()]))
    if total_norm > max_norm:
        return {key: grad * (max_norm / (total_norm + 1e-6)) for key, grad in grads.items()}, total_norm
    return {key: grad.copy() for key, grad in grads.items()}, total_norm


@_named("update_parameters_with_lion")
def lion_dlai_loop(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    parameters, m = copy.deepcopy(parameters), copy.deepcopy(m)
    for l in range(1, len(parameters) // 2 + 1):
        for name in ("W", "b"):
            key, dkey = name + str(l), "d" + name + str(l)
            update = np.sign(beta1 * m[dkey] + (1 - beta1) * grads[dkey])
            if name == "W":
                parameters[key] = parameters[key] * (1 - learning_rate * weight_decay)
            parameters[key] = parameters[key] - learning_rate * update
            m[dkey] = beta2 * m[dkey] + (1 - beta2) * grads[dkey]
    return parameters, m


VARIANTS = [
    gd_dlai_loop, mini_batches_dlai_loop, cost_with_dot_and_norm, ewa_preallocated, window_power,
    corrected_in_the_loop, velocity_dlai_loop, momentum_dlai_loop, nesterov_loop, rmsprop_state_from_grads_keys,
    rmsprop_loop, adam_init_loop, adam_dlai_loop, update_lr_divide, schedule_floor_divide, exponential_power,
    inverse_sqrt_power, critical_counting, fraction_loop,
    adamw_decay_first, warmup_cosine_piecewise, clip_with_linalg_norm, lion_dlai_loop,
]
