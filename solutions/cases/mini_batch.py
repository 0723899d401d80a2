"""Cases and known mistakes for notebook 01: update_parameters_with_gd, random_mini_batches,
compute_cost_with_regularization."""

import math

import numpy as np

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.mini_batch import random_mini_batches

# --- update_parameters_with_gd ------------------------------------------------------------------


@cases_for("update_parameters_with_gd", returns=("parameters",))
def gd_cases(rng):
    cases = []
    for dims in LAYER_SHAPES:
        parameters = random_parameters(rng, dims)
        grads = like_grads(rng, parameters)
        for learning_rate in (0.1, float(rng.uniform(0.001, 0.5))):
            cases.append(((parameters, grads, learning_rate), {}))
    return cases + [((parameters, grads, 0.0), {})]  # learning_rate 0 leaves the parameters unchanged


def _gd(parameters, grads, learning_rate, sign=-1.0, keys=None):
    keys = parameters if keys is None else keys
    new = dict(parameters)
    for key in keys:
        new[key] = parameters[key] + sign * learning_rate * grads["d" + key]
    return new


@mistake("update_parameters_with_gd", "added_gradient",
         "added the gradient: W = W + α·dW climbs the cost. Gradient descent subtracts: W = W − α·dW.")
def _gd_plus(parameters, grads, learning_rate):
    return _gd(parameters, grads, learning_rate, sign=+1.0)


@mistake("update_parameters_with_gd", "forgot_learning_rate",
         "took a full gradient step W − dW; multiply the gradient by learning_rate: W − α·dW.")
def _gd_no_rate(parameters, grads, learning_rate):
    return _gd(parameters, grads, 1.0)


@mistake("update_parameters_with_gd", "biases_not_updated",
         "updated the weights W but not the biases b; update every b[l] with b − α·db too.")
def _gd_weights_only(parameters, grads, learning_rate):
    return _gd(parameters, grads, learning_rate, keys=[key for key in parameters if key.startswith("W")])


@mistake("update_parameters_with_gd", "last_layer_skipped",
         "did not update the last layer: with L = len(parameters) // 2 layers, loop over l = 1 … L, i.e. "
         "range(1, L + 1).")
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


@cases_for("random_mini_batches", returns=("the mini-batches",))
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


@mistake("random_mini_batches", "different_permutations",
         "shuffled X and Y with different permutations, so labels no longer belong to their examples. Draw "
         "one permutation and use it for both: X[:, permutation] and Y[:, permutation].")
def _batches_two_permutations(X, Y, mini_batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    X, Y = X[:, rng.permutation(m)], Y[:, rng.permutation(m)]
    return _cut(X, Y, mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "last_batch_dropped",
         "dropped the last, smaller mini-batch: when m is not a multiple of mini_batch_size, the m % "
         "mini_batch_size examples left over form one more mini-batch.")
def _batches_drop_last(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, m // mini_batch_size)


@mistake("random_mini_batches", "empty_last_batch",
         "added an empty mini-batch at the end when m is a multiple of mini_batch_size; only add the partial "
         "mini-batch when m % mini_batch_size != 0.")
def _batches_empty_last(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, m // mini_batch_size + 1)


@mistake("random_mini_batches", "overlapping_batches",
         "made mini-batches that overlap: mini-batch k holds the shuffled columns k·size … (k+1)·size − 1, "
         "which is the slice [:, k * size : (k + 1) * size].")
def _batches_overlap(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    count = math.ceil(m / mini_batch_size)
    return _cut(X[:, permutation], Y[:, permutation], mini_batch_size, count, width=mini_batch_size + 1)


@mistake("random_mini_batches", "last_batch_from_loop_variable",
         "built the last mini-batch from the loop's k, which after the loop still points at the last full "
         "mini-batch, so that one is repeated: start the last mini-batch at "
         "num_complete_minibatches * mini_batch_size.")
def _batches_last_from_k(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    X, Y = X[:, permutation], Y[:, permutation]
    complete = m // mini_batch_size
    batches = _cut(X, Y, mini_batch_size, complete)
    if m % mini_batch_size:
        start = max(complete - 1, 0) * mini_batch_size
        batches.append((X[:, start:], Y[:, start:]))
    return batches


@mistake("random_mini_batches", "with_replacement",
         "drew examples with replacement, so some appear twice in an epoch and others never. Shuffle with a "
         "permutation: np.random.default_rng(seed).permutation(m).")
def _batches_with_replacement(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    index = np.random.default_rng(seed).integers(0, m, size=m)
    return _cut(X[:, index], Y[:, index], mini_batch_size, math.ceil(m / mini_batch_size))


@mistake("random_mini_batches", "not_shuffled",
         "did not shuffle: the mini-batches hold the examples in their original order. Shuffle the columns "
         "first with permutation = np.random.default_rng(seed).permutation(m).")
def _batches_in_order(X, Y, mini_batch_size=64, seed=0):
    return _cut(X, Y, mini_batch_size, math.ceil(X.shape[1] / mini_batch_size))


@mistake("random_mini_batches", "ignores_seed",
         "ignored the seed argument: every seed gave the same shuffle. Build the generator from it: "
         "np.random.default_rng(seed).")
def _batches_seed_zero(X, Y, mini_batch_size=64, seed=0):
    return random_mini_batches(X, Y, mini_batch_size, seed=0)


@mistake("random_mini_batches", "shuffled_differently",
         "cut the mini-batches correctly but shuffled in a different order than check() expects. Use exactly "
         "permutation = np.random.default_rng(seed).permutation(m), then X[:, permutation] and Y[:, "
         "permutation].")
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


@cases_for("compute_cost_with_regularization", returns=("the cost",))
def regularized_cost_cases(rng):
    cases = []
    for b, dims in zip((1, 5, 32), LAYER_SHAPES):
        AL = rng.uniform(0.05, 0.95, size=(1, b))
        Y = (rng.uniform(size=(1, b)) > 0.5).astype(float)
        parameters = random_parameters(rng, dims)
        for lambd in (0.7, float(rng.uniform(0.01, 2.0))):
            cases.append(((AL, Y, parameters, lambd), {}))
    # Nine weights equal to 1, b = 4: the penalty is λ/(2b)·9 = 0.9 for λ = 0.8.
    AL, Y = np.array([[0.8, 0.3, 0.6, 0.1]]), np.array([[1.0, 0.0, 1.0, 0.0]])
    ones = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((1, 3)), "b2": np.ones((1, 1))}
    return cases + [((AL, Y, ones, lambd), {}) for lambd in (0.0, 0.8)]


def _regularized(AL, Y, parameters, lambd, loss_divisor, penalty_divisor, keys="W", square=True):
    cross_entropy = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / loss_divisor
    penalised = [value for key, value in parameters.items() if key[0] in keys]
    norms = [np.sum(np.square(W)) if square else np.linalg.norm(W) for W in penalised]
    return float(cross_entropy + lambd / penalty_divisor * sum(norms))


@mistake("compute_cost_with_regularization", "penalty_not_divided_by_b",
         "did not divide the L2 penalty by the mini-batch size: it is λ/(2b)·Σ‖W[l]‖², with b = Y.shape[1] "
         "the number of examples in this mini-batch.")
def _cost_penalty_over_2(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2)


@mistake("compute_cost_with_regularization", "missing_half",
         "used λ/b instead of λ/(2b) in front of the L2 penalty.")
def _cost_missing_half(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], Y.shape[1])


@mistake("compute_cost_with_regularization", "used_shape_0",
         "divided by Y.shape[0] (which is 1); the mini-batch size is b = Y.shape[1], the number of columns.")
def _cost_shape_0(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[0], 2 * Y.shape[0])


@mistake("compute_cost_with_regularization", "cross_entropy_not_averaged",
         "summed the cross-entropy over the mini-batch without dividing by b = Y.shape[1].")
def _cost_sum_loss(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, 1, 2 * Y.shape[1])


@mistake("compute_cost_with_regularization", "penalises_biases",
         "added the biases b[l] to the L2 penalty; only the weights W[l] are penalised.")
def _cost_with_biases(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2 * Y.shape[1], keys="Wb")


@mistake("compute_cost_with_regularization", "norm_not_squared",
         "used the Frobenius norm ‖W[l]‖ instead of its square: sum the squares, np.sum(np.square(W)).")
def _cost_norm(AL, Y, parameters, lambd):
    return _regularized(AL, Y, parameters, lambd, Y.shape[1], 2 * Y.shape[1], square=False)


@mistake("compute_cost_with_regularization", "missing_minus_sign",
         "left out the minus sign of the cross-entropy: −(1/b)·Σ(y·log a + (1 − y)·log(1 − a)) is positive.")
def _cost_positive_log(AL, Y, parameters, lambd):
    b = Y.shape[1]
    log_likelihood = np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / b
    penalty = lambd / (2 * b) * sum(np.sum(np.square(value)) for key, value in parameters.items() if key[0] == "W")
    return float(log_likelihood + penalty)
