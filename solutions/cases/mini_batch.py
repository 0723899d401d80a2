"""Cases and known mistakes for notebook 01: update_parameters_with_gd, random_mini_batches,
compute_cost_with_regularization."""

import math

import numpy as np

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.mini_batch import random_mini_batches

# --- update_parameters_with_gd ------------------------------------------------------------------


@cases_for("update_parameters_with_gd")
def gd_cases(rng):
    cases = []
    for dims in LAYER_SHAPES:
        parameters = random_parameters(rng, dims)
        grads = like_grads(rng, parameters)
        for learning_rate in (0.1, float(rng.uniform(0.001, 0.5))):
            cases.append(((parameters, grads, learning_rate), {}))
    return cases


def _gd(parameters, grads, learning_rate, sign=-1.0, keys=None):
    keys = parameters if keys is None else keys
    new = dict(parameters)
    for key in keys:
        new[key] = parameters[key] + sign * learning_rate * grads["d" + key]
    return new


@mistake("update_parameters_with_gd", "added_gradient")
def _gd_plus(parameters, grads, learning_rate):
    return _gd(parameters, grads, learning_rate, sign=+1.0)


@mistake("update_parameters_with_gd", "forgot_learning_rate")
def _gd_no_rate(parameters, grads, learning_rate):
    return _gd(parameters, grads, 1.0)


@mistake("update_parameters_with_gd", "biases_not_updated")
def _gd_weights_only(parameters, grads, learning_rate):
    return _gd(parameters, grads, learning_rate, keys=[key for key in parameters if key.startswith("W")])


@mistake("update_parameters_with_gd", "last_layer_skipped")
def _gd_range_l(parameters, grads, learning_rate):
    L = len(parameters) // 2
    keys = [f"{name}{layer}" for layer in range(1, L) for name in "Wb"]
    return _gd(parameters, grads, learning_rate, keys=keys)


@mistake("update_parameters_with_gd", "mutates_input")
def _gd_in_place(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


# --- random_mini_batches ------------------------------------------------------------------------


@cases_for("random_mini_batches")
def mini_batch_cases(rng):
    cases = []
    for n_x, m, size, seed in [(2, 10, 4, 3), (3, 12, 4, 7), (1, 5, 64, 11), (2, 37, 8, 2)]:
        X = rng.normal(size=(n_x, m))
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
        cases.append(((X, Y), {"mini_batch_size": size, "seed": seed}))
    X = rng.normal(size=(2, 130))
    Y = (rng.uniform(size=(1, 130)) > 0.5).astype(float)
    cases.append(((X, Y), {}))  # the defaults: mini_batch_size=64, seed=0
    return cases


def _cut(X, Y, size, count, width=None):
    """``count`` slices of ``width`` columns (default ``size``) starting every ``size`` columns."""
    width = size if width is None else width
    return [(X[:, k * size : k * size + width], Y[:, k * size : k * size + width]) for k in range(count)]


@mistake("random_mini_batches", "different_permutations")
def _batches_two_permutations(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    X, Y = X[:, rng.permutation(m)], Y[:, rng.permutation(m)]
    return _cut(X, Y, mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "last_batch_dropped")
def _batches_drop_last(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, m // mini_batch_size)


@mistake("random_mini_batches", "empty_last_batch")
def _batches_empty_last(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, m // mini_batch_size + 1)


@mistake("random_mini_batches", "overlapping_batches")
def _batches_overlap(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    count = math.ceil(m / mini_batch_size)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, count, width=mini_batch_size + 1)


@mistake("random_mini_batches", "with_replacement")
def _batches_with_replacement(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    index = np.random.default_rng(seed).integers(0, m, size=m)
    return _cut(X[:, index], Y[:, index], mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "not_shuffled")
def _batches_in_order(X, Y, mini_batch_size=64, seed=0):
    return _cut(X, Y, mini_batch_size, math.ceil(X.shape[1] / mini_batch_size))


@mistake("random_mini_batches", "ignores_seed")
def _batches_seed_zero(X, Y, mini_batch_size=64, seed=0):
    return random_mini_batches(X, Y, mini_batch_size, seed=0)


@mistake("random_mini_batches", "shuffled_differently")
def _batches_other_generator(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).choice(m, size=m, replace=False)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "global_rng")
def _batches_global_rng(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = np.random.permutation(m)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "mutates_input")
def _batches_shuffle_in_place(X, Y, mini_batch_size=64, seed=0):
    permutation = np.random.default_rng(seed).permutation(X.shape[1])
    X[:], Y[:] = X[:, permutation], Y[:, permutation]
    return _cut(X, Y, mini_batch_size, math.ceil(X.shape[1] / mini_batch_size))


# --- compute_cost_with_regularization -----------------------------------------------------------


@cases_for("compute_cost_with_regularization")
def regularized_cost_cases(rng):
    cases = []
    for b, dims in zip((1, 5, 32), LAYER_SHAPES):
        AL = rng.uniform(0.05, 0.95, size=(1, b))
        Y = (rng.uniform(size=(1, b)) > 0.5).astype(float)
        parameters = random_parameters(rng, dims)
        for lambd in (0.7, float(rng.uniform(0.01, 2.0))):
            cases.append(((AL, Y, parameters, lambd), {}))
    return cases


def _regularized(AL, Y, parameters, lambd, loss_divisor, penalty_divisor, keys="W", square=True):
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / loss_divisor
    penalised = [value for key, value in parameters.items() if key[0] in keys]
    norms = [np.sum(np.square(W)) if square else np.linalg.norm(W) for W in penalised]
    return float(cross_entropy + lambd / penalty_divisor * sum(norms))


@mistake("compute_cost_with_regularization", "penalty_not_divided_by_b")
def _cost_penalty_over_2(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2)


@mistake("compute_cost_with_regularization", "missing_half")
def _cost_missing_half(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], Y.shape[1])


@mistake("compute_cost_with_regularization", "used_shape_0")
def _cost_shape_0(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[0], 2 * Y.shape[0])


@mistake("compute_cost_with_regularization", "cross_entropy_not_averaged")
def _cost_sum_loss(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, 1, 2 * Y.shape[1])


@mistake("compute_cost_with_regularization", "penalises_biases")
def _cost_with_biases(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2 * Y.shape[1], keys="Wb")


@mistake("compute_cost_with_regularization", "norm_not_squared")
def _cost_norm(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2 * Y.shape[1], square=False)


@mistake("compute_cost_with_regularization", "missing_minus_sign")
def _cost_positive_log(AL, Y, parameters, lambd):
    b = Y.shape[1]
    log_likelihood = np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    penalty = lambd / (2 * b) * sum(np.sum(np.square(value)) for key, value in parameters.items() if key[0] == "W")
    return float(log_likelihood + penalty)
