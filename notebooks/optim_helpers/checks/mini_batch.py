"""Checks for notebook 01: gradient descent step, random mini-batches, regularized mini-batch cost."""

import inspect
import math

import numpy as np

from optim_helpers.checks._core import WrongValue, exercise

GD_MISTAKES = {
    "added_gradient": "added the gradient: W = W + α·dW climbs the cost. "
    "Gradient descent subtracts: W = W − α·dW.",
    "forgot_learning_rate": "took a full gradient step W − dW; multiply the gradient by learning_rate: W − α·dW.",
    "biases_not_updated": "updated the weights W but not the biases b; update every b[l] with b − α·db too.",
    "last_layer_skipped": "did not update the last layer: with L = len(parameters) // 2 layers, "
    "loop over l = 1 … L, i.e. range(1, L + 1).",
}

BATCH_MISTAKES = {
    "different_permutations": "shuffled X and Y with different permutations, so labels no longer belong to "
    "their examples. Draw one permutation and use it for both: X[:, permutation] and Y[:, permutation].",
    "last_batch_dropped": "dropped the last, smaller mini-batch: when m is not a multiple of mini_batch_size, "
    "the m % mini_batch_size examples left over form one more mini-batch.",
    "empty_last_batch": "added an empty mini-batch at the end when m is a multiple of mini_batch_size; "
    "only add the partial mini-batch when m % mini_batch_size != 0.",
    "overlapping_batches": "made mini-batches that overlap: mini-batch k holds the shuffled columns "
    "k·size … (k+1)·size − 1, which is the slice [:, k * size : (k + 1) * size].",
    "with_replacement": "drew examples with replacement, so some appear twice in an epoch and others never. "
    "Shuffle with a permutation: np.random.default_rng(seed).permutation(m).",
    "not_shuffled": "did not shuffle: the mini-batches hold the examples in their original order. "
    "Shuffle the columns first with permutation = np.random.default_rng(seed).permutation(m).",
    "ignores_seed": "ignored the seed argument: every seed gave the same shuffle. "
    "Build the generator from it: np.random.default_rng(seed).",
    "shuffled_differently": "cut the mini-batches correctly but shuffled in a different order than check() "
    "expects. Use exactly permutation = np.random.default_rng(seed).permutation(m), then X[:, permutation] "
    "and Y[:, permutation].",
}

COST_MISTAKES = {
    "penalty_not_divided_by_b": "did not divide the L2 penalty by the mini-batch size: it is "
    "λ/(2b)·Σ‖W[l]‖², with b = Y.shape[1] the number of examples in this mini-batch.",
    "missing_half": "used λ/b instead of λ/(2b) in front of the L2 penalty.",
    "used_shape_0": "divided by Y.shape[0] (which is 1); the mini-batch size is b = Y.shape[1], "
    "the number of columns.",
    "cross_entropy_not_averaged": "summed the cross-entropy over the mini-batch "
    "without dividing by b = Y.shape[1].",
    "penalises_biases": "added the biases b[l] to the L2 penalty; only the weights W[l] are penalised.",
    "norm_not_squared": "used the Frobenius norm ‖W[l]‖ instead of its square: sum the squares, np.sum(np.square(W)).",
    "missing_minus_sign": "left out the minus sign of the cross-entropy: "
    "−(1/b)·Σ(y·log a + (1 − y)·log(1 − a)) is positive.",
}


@exercise("update_parameters_with_gd", GD_MISTAKES)
def check_update_parameters_with_gd(runner):
    runner.expect_all()
    parameters = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    grads = {"dW1": np.full((2, 3), 2.0), "db1": np.full((2, 1), 2.0)}
    new = runner.call(parameters, grads, 0.0)
    runner.require(
        all(np.array_equal(new[key], parameters[key]) for key in parameters),
        "should leave the parameters unchanged when learning_rate = 0.",
    )


def _labelled_data(n_x, m):
    """X whose first row numbers the examples 0 … m−1, and Y equal to that number, so pairs can be traced."""
    ids = np.arange(m, dtype=float)
    X = np.vstack([ids] + [ids * (row + 2) + 0.5 for row in range(n_x - 1)])
    return X, ids.reshape(1, m).copy()


def _check_partition(runner, n_x, m, size, seed):
    """Structure of one call: number and shapes of the mini-batches, each example once, X and Y paired."""
    X, Y = _labelled_data(n_x, m)
    call = f"for m = {m} examples and mini_batch_size = {size}"
    batches = runner.call(X, Y, mini_batch_size=size, seed=seed)
    runner.require(
        isinstance(batches, (list, tuple))
        and all(isinstance(batch, (list, tuple)) and len(batch) == 2 for batch in batches),
        f"should return a list of (mini_batch_X, mini_batch_Y) pairs, got {type(batches).__name__}.",
    )
    expected_count = math.ceil(m / size)
    if len(batches) != expected_count:
        if m % size and len(batches) == m // size:
            runner.fail(BATCH_MISTAKES["last_batch_dropped"])
        if m % size == 0 and len(batches) == m // size + 1:
            runner.fail(BATCH_MISTAKES["empty_last_batch"])
        runner.fail(
            f"returned {len(batches)} mini-batches {call}; expected ceil(m / mini_batch_size) = {expected_count}."
        )
    sizes = [size] * (m // size) + ([m % size] if m % size else [])
    widths = [np.shape(bx)[1] if np.ndim(bx) == 2 else None for bx, _ in batches]
    if widths != sizes and widths == [min(size + 1, m - k * size) for k in range(expected_count)]:
        runner.fail(BATCH_MISTAKES["overlapping_batches"])
    got_shapes = [(np.shape(bx), np.shape(by)) for bx, by in batches]
    expected_shapes = [((n_x, b), (1, b)) for b in sizes]
    runner.require(
        got_shapes == expected_shapes,
        f"returned mini-batches of shapes {got_shapes} {call} with n_x = {n_x}; expected {expected_shapes}.",
    )
    columns = np.hstack([np.asarray(bx, dtype=float) for bx, _ in batches])
    order = columns[0]
    whole_columns = np.array_equal(order, np.round(order)) and order.min() >= 0 and order.max() < m
    runner.require(
        whole_columns and np.array_equal(columns, X[:, order.astype(int)]),
        "changed the values inside the examples; mini-batches should hold whole, unchanged columns of X.",
    )
    if not np.array_equal(np.sort(order), np.arange(m)):
        runner.fail(BATCH_MISTAKES["with_replacement"])
    labels = np.concatenate([np.asarray(by, dtype=float)[0] for _, by in batches])
    if not np.array_equal(labels, order):
        runner.fail(BATCH_MISTAKES["different_permutations"])
    if m > 2 and np.array_equal(order, np.arange(m)):
        runner.fail(BATCH_MISTAKES["not_shuffled"])


@exercise("random_mini_batches", BATCH_MISTAKES)
def check_random_mini_batches(runner):
    defaults = {
        name: parameter.default for name, parameter in inspect.signature(runner.fn).parameters.items()
    }
    runner.require(
        defaults.get("mini_batch_size") == 64 and defaults.get("seed") == 0,
        "should keep the signature random_mini_batches(X, Y, mini_batch_size=64, seed=0).",
    )
    for n_x, m, size, seed in [(2, 10, 4, 3), (3, 12, 4, 7), (1, 5, 64, 11), (2, 148, 64, 1)]:
        _check_partition(runner, n_x, m, size, seed)
    try:
        runner.expect_all(rtol=0, atol=0)
    except WrongValue as wrong:
        runner.fail(BATCH_MISTAKES["shuffled_differently"], wrong)


@exercise("compute_cost_with_regularization", COST_MISTAKES)
def check_compute_cost_with_regularization(runner):
    runner.expect_all()
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    AL = np.array([[0.8, 0.3, 0.6, 0.1]])
    parameters = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((1, 3)), "b2": np.ones((1, 1))}
    without = runner.call(AL, Y, parameters, 0.0)
    with_penalty = runner.call(AL, Y, parameters, 0.8)
    runner.require(
        np.ndim(with_penalty) == 0, f"should return a single number (a float), got {type(with_penalty).__name__}."
    )
    runner.require(
        np.isclose(float(with_penalty) - float(without), 0.8 / (2 * 4) * 9),
        "should add λ/(2b)·Σ‖W[l]‖² = 0.8/(2·4)·9 = 0.9 for λ = 0.8, b = 4 and nine weights equal to 1.",
    )
