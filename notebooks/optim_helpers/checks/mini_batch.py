"""Checks for notebook 01 beyond the stored cases: the structure of any correct set of mini-batches.

The stored cases come first, so that a mistake that reproduces the learner's mini-batches is named;
when none does, the structure of the mini-batches is checked and what is wrong with it said as a fact.
"""

import functools
import inspect
import math

import numpy as np

from optim_helpers.checks._core import WrongValue, exercise


def _labelled_data(n_x, m):
    """X whose first row numbers the examples 0 … m−1, and Y equal to that number, so pairs can be traced."""
    ids = np.arange(m, dtype=float)
    X = np.vstack([ids] + [ids * (row + 2) + 0.5 for row in range(n_x - 1)])
    return X, ids.reshape(1, m).copy()


def _check_partition(runner, n_x, m, size, seed):
    """Structure of one call, as facts about what came back (none names a cause): the number and shapes
    of the mini-batches, each example once, X and Y paired, the examples shuffled."""
    X, Y = _labelled_data(n_x, m)
    call = f"for m = {m} examples and mini_batch_size = {size}"
    batches = runner.call(X, Y, mini_batch_size=size, seed=seed)
    if batches is None:
        runner.fail("returned None: did you forget `return`? (return mini_batches, the list you built)")
    runner.require(
        isinstance(batches, (list, tuple))
        and all(isinstance(batch, (list, tuple)) and len(batch) == 2 for batch in batches),
        f"should return a list of (mini_batch_X, mini_batch_Y) pairs, got {type(batches).__name__}.",
    )
    fact = functools.partial(runner.fail, kind="truthful")
    expected_count = math.ceil(m / size)
    returned = sum(np.shape(bx)[1] for bx, _ in batches if np.ndim(bx) == 2)
    if returned == n_x != m:
        fact(f"returned {returned} examples in all {call}: that is n_x = {n_x}, the number of rows of X (len(X) "
             "or X.shape[0]), not the number of examples: they are the columns, m = X.shape[1].")
    if len(batches) != expected_count:
        if m % size and len(batches) == m // size:
            fact(f"returned {len(batches)} mini-batches {call}: the last, smaller one is missing. The "
                 f"m % mini_batch_size = {m % size} examples left over form one more mini-batch.")
        if m % size == 0 and len(batches) == m // size + 1:
            fact(f"returned {len(batches)} mini-batches {call}, the last one empty; add the partial mini-batch "
                 "only when m % mini_batch_size != 0.")
        fact(f"returned {len(batches)} mini-batches {call}; expected ceil(m / mini_batch_size) = {expected_count}.")
    sizes = [size] * (m // size) + ([m % size] if m % size else [])
    widths = [np.shape(bx)[1] if np.ndim(bx) == 2 else None for bx, _ in batches]
    if widths != sizes and widths == [min(size + 1, m - k * size) for k in range(expected_count)]:
        fact(f"returned mini-batches of {size + 1} examples {call}, so neighbours overlap: mini-batch k holds the "
             "shuffled columns k·size … (k+1)·size − 1, the slice [:, k * size : (k + 1) * size].")
    if m % size and m > size and widths == sizes[:-1] + [size + m % size]:
        fact(f"returned a last mini-batch of {size + m % size} examples {call}; it holds the {m % size} left over "
             "after the full mini-batches: start it at num_complete_minibatches * mini_batch_size.")
    got_shapes = [(np.shape(bx), np.shape(by)) for bx, by in batches]
    expected_shapes = [((n_x, b), (1, b)) for b in sizes]
    runner.require(got_shapes == expected_shapes, f"returned mini-batches of shapes {got_shapes} {call} with "
                   f"n_x = {n_x}; expected {expected_shapes}.", kind="truthful")
    columns = np.hstack([np.asarray(bx, dtype=float) for bx, _ in batches])
    order = columns[0]
    whole_columns = np.array_equal(order, np.round(order)) and order.min() >= 0 and order.max() < m
    runner.require(whole_columns and np.array_equal(columns, X[:, order.astype(int)]),
                   "changed the values inside the examples; mini-batches should hold whole, unchanged columns of X.",
                   kind="truthful")
    counts = np.bincount(order.astype(int), minlength=m)
    if np.any(counts != 1):
        twice, never = int(np.argmax(counts)), int(np.argmin(counts))
        fact(f"put example {twice} in {counts[twice]} places and example {never} in none {call}: every example "
             "belongs to exactly one mini-batch. Shuffle with one permutation, "
             "np.random.default_rng(seed).permutation(m), and cut it into consecutive slices.")
    labels = np.concatenate([np.asarray(by, dtype=float)[0] for _, by in batches])
    if not np.array_equal(labels, order):
        fact(f"paired examples with labels that are not theirs {call}: column j of mini_batch_Y must be the label "
             "of column j of mini_batch_X. Shuffle X and Y with the same permutation: X[:, permutation] and "
             "Y[:, permutation].")
    if m > 2 and np.array_equal(order, np.arange(m)):
        fact(f"did not shuffle {call}: the mini-batches hold the examples in their original order. Shuffle the "
             "columns first with permutation = np.random.default_rng(seed).permutation(m).")


@exercise("random_mini_batches")
def check_random_mini_batches(runner):
    defaults = {
        name: parameter.default for name, parameter in inspect.signature(runner.fn).parameters.items()
    }
    runner.require(
        defaults.get("mini_batch_size") == 64 and defaults.get("seed") == 0,
        "should keep the signature random_mini_batches(X, Y, mini_batch_size=64, seed=0).",
    )
    try:
        runner.expect_all(rtol=0, atol=0)
    except WrongValue as wrong:
        # No known mistake reproduces the results: say what is wrong with their structure, if anything,
        # and otherwise that only the order of the shuffle differs.
        for n_x, m, size, seed in [(2, 10, 4, 3), (3, 12, 4, 7), (1, 5, 64, 11), (2, 148, 64, 1)]:
            _check_partition(runner, n_x, m, size, seed)
        runner.fail(runner.fixture["mistakes"]["shuffled_differently"], wrong, kind="truthful")
