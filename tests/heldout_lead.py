"""A second held-out set of learner mistakes, written by the lead after the engine was built, without
reading its generator or its registry: a check on tests/heldout_mistakes.py, whose misses tuned the
generator. TRUE_CAUSE says, for each, what the learner really did, so that a stated cause can be read
against it by a person too (tests/test_heldout.py checks none is misleading on fresh inputs).

Do not register these or tune the generator on them; write a new set instead.
"""

import numpy as np


def _named(name):
    def rename(fn):
        fn.__name__ = name
        return fn

    return rename


def _keys(parameters):
    return [(f"W{l}", f"b{l}") for l in range(1, len(parameters) // 2 + 1)]


# --- 01 ---------------------------------------------------------------------------------------------

@_named("update_parameters_with_gd")
def gd_plus_instead_of_minus(parameters, grads, learning_rate):
    return {key: value + learning_rate * grads["d" + key] for key, value in parameters.items()}


@_named("update_parameters_with_gd")
def gd_only_weights(parameters, grads, learning_rate):
    new = dict(parameters)
    for W, _ in _keys(parameters):
        new[W] = parameters[W] - learning_rate * grads["d" + W]
    return new


@_named("random_mini_batches")
def rmb_drops_the_partial_batch(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k * mini_batch_size:(k + 1) * mini_batch_size], Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
            for k in range(m // mini_batch_size)]


@_named("random_mini_batches")
def rmb_shuffles_x_and_y_apart(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    X, Y = X[:, rng.permutation(m)], Y[:, rng.permutation(m)]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@_named("random_mini_batches")
def rmb_seed_plus_one(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = np.random.default_rng(seed + 1).permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]


@_named("compute_cost_with_regularization")
def cost_b_from_rows(AL, Y, parameters, lambd):
    b = AL.shape[0]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    return float(cross_entropy + lambd / (2 * b) * sum(np.sum(parameters[W] ** 2) for W, _ in _keys(parameters)))


@_named("compute_cost_with_regularization")
def cost_penalises_biases(AL, Y, parameters, lambd):
    b = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    return float(cross_entropy + lambd / (2 * b) * sum(np.sum(value ** 2) for value in parameters.values()))


@_named("compute_cost_with_regularization")
def cost_without_the_half(AL, Y, parameters, lambd):
    b = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    return float(cross_entropy + lambd / b * sum(np.sum(parameters[W] ** 2) for W, _ in _keys(parameters)))


# --- 02, 03 -----------------------------------------------------------------------------------------

@_named("ewa")
def ewa_starts_at_the_first_value(theta, beta):
    v, out = theta[0], []
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append(v)
    return np.array(out)


@_named("ewa")
def ewa_keeps_v0(theta, beta):
    out = [0.0]
    for value in theta:
        out.append(beta * out[-1] + (1 - beta) * value)
    return np.array(out)


@_named("ewa")
def ewa_running_mean(theta, beta):
    return np.cumsum(theta) / np.arange(1, len(theta) + 1)


@_named("effective_window")
def window_beta_over_one_minus_beta(beta):
    return beta / (1 - beta)


@_named("ewa_bias_corrected")
def corrected_by_beta_to_the_t(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / beta ** t)
    return np.array(out)


@_named("ewa_bias_corrected")
def corrected_value_fed_back(theta, beta):
    v, out = 0.0, []
    for t, value in enumerate(theta, start=1):
        v = (beta * v + (1 - beta) * value) / (1 - beta ** t)
        out.append(v)
    return np.array(out)


# --- 04 ---------------------------------------------------------------------------------------------

@_named("initialize_velocity")
def velocity_of_ones(parameters):
    return {"d" + key: np.ones_like(value) for key, value in parameters.items()}


@_named("update_parameters_with_momentum")
def momentum_returns_the_old_velocity(parameters, grads, v, beta, learning_rate):
    new_v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    return {key: value - learning_rate * new_v["d" + key] for key, value in parameters.items()}, v


@_named("update_parameters_with_momentum")
def momentum_steps_by_the_gradient(parameters, grads, v, beta, learning_rate):
    new_v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}, new_v


@_named("update_parameters_with_momentum")
def momentum_db_typed_for_dw(parameters, grads, v, beta, learning_rate):
    new_v = {}
    for W, b in _keys(parameters):
        new_v["d" + W] = beta * v["d" + W] + (1 - beta) * grads["d" + b]
        new_v["d" + b] = beta * v["d" + b] + (1 - beta) * grads["d" + b]
    return {key: value - learning_rate * new_v["d" + key] for key, value in parameters.items()}, new_v


# --- 05 ---------------------------------------------------------------------------------------------

@_named("update_parameters_with_rmsprop")
def rmsprop_absolute_value(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_s = {key: beta2 * s[key] + (1 - beta2) * np.abs(grads[key]) for key in s}
    return {key: value - learning_rate * grads["d" + key] / (np.sqrt(new_s["d" + key]) + epsilon)
            for key, value in parameters.items()}, new_s


@_named("update_parameters_with_rmsprop")
def rmsprop_epsilon_in_the_numerator(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    return {key: value - learning_rate * (grads["d" + key] + epsilon) / np.sqrt(new_s["d" + key])
            for key, value in parameters.items()}, new_s


@_named("update_parameters_with_rmsprop")
def rmsprop_no_square_root(parameters, grads, s, beta2, learning_rate, epsilon=1e-8):
    new_s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    return {key: value - learning_rate * grads["d" + key] / (new_s["d" + key] + epsilon)
            for key, value in parameters.items()}, new_s


# --- 06 ---------------------------------------------------------------------------------------------

def _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, *, t1=None, square=None, corrected=True):
    t1 = t if t1 is None else t1
    new_v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    new_s = {key: beta2 * s[key] + (1 - beta2) * (square(new_v, key) if square else grads[key] ** 2) for key in s}
    v_hat = {key: new_v[key] / (1 - beta1 ** t1) for key in v}
    s_hat = {key: new_s[key] / (1 - beta2 ** t1) for key in s}
    step_v, step_s = (v_hat, s_hat) if corrected else (new_v, new_s)
    new_parameters = {key: value - learning_rate * step_v["d" + key] / (np.sqrt(step_s["d" + key]) + epsilon)
                      for key, value in parameters.items()}
    return new_parameters, new_v, new_s, v_hat, s_hat


@_named("update_parameters_with_adam")
def adam_corrects_with_t_minus_one(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                   epsilon=1e-8):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, t1=t - 1)


@_named("update_parameters_with_adam")
def adam_steps_with_the_uncorrected_moments(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                            epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, corrected=False)


@_named("update_parameters_with_adam")
def adam_s_from_the_momentum(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon,
                 square=lambda new_v, key: new_v[key] ** 2)


@_named("update_parameters_with_adam")
def adam_counts_t_itself(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    t = t + 1
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)


# --- 07 ---------------------------------------------------------------------------------------------

@_named("update_lr")
def update_lr_without_the_one(learning_rate0, epoch_num, decay_rate):
    with np.errstate(divide="ignore"):
        return learning_rate0 / (decay_rate * np.asarray(epoch_num, dtype=float))


@_named("schedule_lr_decay")
def schedule_rounds_the_interval(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * np.round(np.asarray(epoch_num) / time_interval))


@_named("exponential_decay")
def exponential_multiplies_by_the_epoch(learning_rate0, epoch_num, base=0.95):
    return learning_rate0 * base * np.asarray(epoch_num)


@_named("inverse_sqrt_decay")
def inverse_sqrt_forgets_k(learning_rate0, epoch_num, k=1.0):
    return learning_rate0 / np.sqrt(epoch_num)


# --- 08 ---------------------------------------------------------------------------------------------

@_named("critical_point_type")
def critical_zero_counts_as_positive(hessian, tol=1e-8):
    eigenvalues = np.linalg.eigvalsh(hessian)
    if np.all(eigenvalues >= 0):
        return "minimum"
    if np.all(eigenvalues <= 0):
        return "maximum"
    return "saddle"


@_named("critical_point_type")
def critical_by_the_determinant(hessian, tol=1e-8):
    hessian = np.asarray(hessian, dtype=float)
    determinant = np.linalg.det(hessian)
    if abs(determinant) <= tol:
        return "degenerate"
    if determinant < 0:
        return "saddle"
    return "minimum" if hessian[0, 0] > 0 else "maximum"


@_named("fraction_positive_definite")
def fraction_from_uniform_entries(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).random((trials, n, n))
    smallest = np.linalg.eigvalsh((A + np.swapaxes(A, 1, 2)) / 2)[:, 0]
    return float(np.mean(smallest > 0))


@_named("fraction_positive_definite")
def fraction_without_symmetrising(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return float(np.mean(np.linalg.eigvalsh(A)[:, 0] > 0))


TRUE_CAUSE = {
    "gd_plus_instead_of_minus": "added the step instead of subtracting it",
    "gd_only_weights": "updated the W's and left every b as it was",
    "rmb_drops_the_partial_batch": "range(m // size): the partial last batch is dropped",
    "rmb_shuffles_x_and_y_apart": "two different permutations for X and Y (and slices start at k)",
    "rmb_seed_plus_one": "default_rng(seed + 1)",
    "cost_b_from_rows": "b = AL.shape[0] (1), not the number of examples",
    "cost_penalises_biases": "the L2 term includes the b's",
    "cost_without_the_half": "lambd / b, not lambd / (2 b)",
    "ewa_starts_at_the_first_value": "v0 = θ1 instead of 0",
    "ewa_keeps_v0": "returns v0 too (T + 1 values)",
    "ewa_running_mean": "a running mean, not an exponentially weighted one",
    "window_beta_over_one_minus_beta": "β / (1 − β)",
    "corrected_by_beta_to_the_t": "divides by β^t, not 1 − β^t",
    "corrected_value_fed_back": "feeds the corrected value back into the recursion",
    "velocity_of_ones": "ones, not zeros",
    "momentum_returns_the_old_velocity": "returns the velocity it was given",
    "momentum_steps_by_the_gradient": "steps by dW, not by v",
    "momentum_db_typed_for_dw": "v[dW] built from db",
    "rmsprop_absolute_value": "|dW| in s, not dW²",
    "rmsprop_epsilon_in_the_numerator": "ε added to dW, not to √s",
    "rmsprop_no_square_root": "divides by s + ε, no square root",
    "adam_corrects_with_t_minus_one": "bias correction with t − 1",
    "adam_steps_with_the_uncorrected_moments": "the step uses v and s, not v̂ and ŝ",
    "adam_s_from_the_momentum": "s averages v², not dW²",
    "adam_counts_t_itself": "t + 1 inside the function",
    "update_lr_without_the_one": "α₀ / (decay_rate · epoch): the 1 + is missing",
    "schedule_rounds_the_interval": "round(epoch / interval), not floor",
    "exponential_multiplies_by_the_epoch": "base · epoch, not base^epoch",
    "inverse_sqrt_forgets_k": "k left out",
    "critical_zero_counts_as_positive": "a zero eigenvalue counts as positive (no degenerate)",
    "critical_by_the_determinant": "classifies by the determinant and H[0, 0]",
    "fraction_from_uniform_entries": "uniform [0, 1) entries, not standard normal",
    "fraction_without_symmetrising": "eigvalsh of A itself (its lower triangle), not of (A + Aᵀ)/2",
}
HELDOUT_LEAD = [fn for name, fn in list(globals().items()) if name in TRUE_CAUSE]
