"""Cases and known mistakes for notebook 08: critical_point_type, fraction_positive_definite."""

import numpy as np

from solutions.cases import cases_for, mistake
from solutions.local_optima import classify_eigenvalues


def _orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def _with_eigenvalues(rng, eigenvalues):
    """A random symmetric matrix with exactly these eigenvalues (up to rounding)."""
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    Q = _orthogonal(rng, len(eigenvalues))
    H = (Q * eigenvalues) @ Q.T
    return (H + H.T) / 2


def _magnitudes(rng, size):
    return rng.uniform(0.2, 3.0, size=size)


def _mixed_signs(rng, n):
    signs = rng.permutation(np.r_[1.0, -1.0, rng.choice([-1.0, 1.0], size=n - 2)])
    return signs * _magnitudes(rng, n)


def _positive_entry_saddle(rng, n):
    """All entries positive, yet a saddle: a·J + b·I has eigenvalues n·a + b and b (n − 1 times)."""
    a = rng.uniform(1.0, 3.0)
    return a * np.ones((n, n)) - rng.uniform(0.3, 0.8) * a * np.eye(n)


@cases_for("critical_point_type")
def critical_point_type_cases(rng):
    hessians = [
        np.array([[rng.uniform(0.5, 3)]]),
        np.array([[-rng.uniform(0.5, 3)]]),
        np.diag([2.0, -2.0]),  # f(x, y) = x² − y²
        np.diag([0.0, 2.0, 3.0]),
        np.diag([1.0, 0.0, -2.0]),  # mixed signs and an exact zero: still degenerate
        np.zeros((3, 3)),
        _positive_entry_saddle(rng, 2),
        _positive_entry_saddle(rng, 4),
        -_positive_entry_saddle(rng, 3),
        2 * np.eye(5) - np.eye(5, k=1) - np.eye(5, k=-1),  # a minimum with negative off-diagonal entries
        _with_eigenvalues(rng, [rng.uniform(0.5, 2), -rng.uniform(0.5, 2), -rng.uniform(0.5, 2)]),
    ]
    for n in (2, 3, 5, 8):
        hessians += [
            _with_eigenvalues(rng, _magnitudes(rng, n)),
            _with_eigenvalues(rng, -_magnitudes(rng, n)),
            _with_eigenvalues(rng, _mixed_signs(rng, n)),
            _with_eigenvalues(rng, np.r_[0.0, _magnitudes(rng, n - 1)]),
        ]
    hessians += [
        _with_eigenvalues(rng, np.r_[0.0, -_magnitudes(rng, 3)]),
        _with_eigenvalues(rng, np.r_[0.0, _mixed_signs(rng, 4)]),
    ]
    cases = [((H,), {}) for H in hessians]
    small = _with_eigenvalues(rng, [1e-5, 1.0, 2.0])
    tiny = _with_eigenvalues(rng, [-1e-10, -1.0, -rng.uniform(1, 3)])
    cases += [((small,), {}), ((small,), {"tol": 1e-4}), ((small, 1e-4), {}), ((tiny,), {"tol": 1e-12})]
    return cases


def _eigenvalues(hessian):
    return np.linalg.eigvalsh(np.asarray(hessian, dtype=float))


# When several mistakes explain every failing case, check() names the first registered: keep the
# specific ones (exact_zero, saddle_before_degenerate) before the broad ignores_degenerate.
@mistake("critical_point_type", "min_max_swapped")
def _critical_swapped(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    kind = classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= tol)
    return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)


@mistake("critical_point_type", "exact_zero")
def _critical_exact_zero(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, eigenvalues == 0)


@mistake("critical_point_type", "ignores_tol")
def _critical_ignores_tol(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= 1e-8)


@mistake("critical_point_type", "saddle_before_degenerate")
def _critical_saddle_first(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
        return "saddle"
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= tol)


@mistake("critical_point_type", "ignores_degenerate")
def _critical_no_degenerate(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, False)


@mistake("critical_point_type", "diagonal_signs")
def _critical_diagonal(hessian, tol=1e-8):
    diagonal = np.diag(np.asarray(hessian, dtype=float))
    return classify_eigenvalues(diagonal, np.abs(diagonal) <= tol)


@mistake("critical_point_type", "entry_signs")
def _critical_entries(hessian, tol=1e-8):
    entries = np.asarray(hessian, dtype=float)
    if np.all(np.abs(entries) <= tol):
        return "degenerate"
    return classify_eigenvalues(entries[np.abs(entries) > tol], False)


@mistake("critical_point_type", "determinant_test")
def _critical_determinant(hessian, tol=1e-8):
    hessian = np.asarray(hessian, dtype=float)
    determinant = np.linalg.det(hessian)
    if abs(determinant) <= tol:
        return "degenerate"
    if determinant < 0:
        return "saddle"
    return "minimum" if hessian[0, 0] > 0 else "maximum"


# fraction_positive_definite: the reference draws A = rng.standard_normal((trials, n, n)), the same
# numbers as one rng.standard_normal((n, n)) per trial in a loop. The cases keep only seeds whose
# smallest eigenvalues are all clearly away from 0, so any correct eigenvalue routine (eigvalsh,
# eigvals, a Cholesky test; batched or in a loop) counts exactly the same matrices.
MARGIN = 1e-8


def _symmetric_matrices(n, trials, seed):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return (A + np.swapaxes(A, 1, 2)) / 2


def _clear_of_zero(n, trials, seed):
    smallest = np.linalg.eigvalsh(_symmetric_matrices(n, trials, seed))[:, 0]
    return bool(np.min(np.abs(smallest)) > MARGIN)


def _clear_seed(rng, n, trials):
    while True:
        seed = int(rng.integers(0, 2**31))
        if _clear_of_zero(n, trials, seed):
            return seed


@cases_for("fraction_positive_definite")
def fraction_positive_definite_cases(rng):
    sizes = [(1, 40), (2, 300), (3, 500), (2, 1), (int(rng.integers(2, 6)), int(rng.integers(50, 1500)))]
    cases = [((n,), {"trials": trials, "seed": _clear_seed(rng, n, trials)}) for n, trials in sizes]
    n, trials = int(rng.integers(1, 4)), int(rng.integers(100, 400))
    cases.append(((n, trials, _clear_seed(rng, n, trials)), {}))
    if _clear_of_zero(3, 1000, 0):
        cases.append(((3,), {}))  # the defaults: trials=1000, seed=0
    return cases


def _smallest_and_largest(n, trials, seed):
    eigenvalues = np.linalg.eigvalsh(_symmetric_matrices(n, trials, seed))
    return eigenvalues[:, 0], eigenvalues[:, -1]


@mistake("fraction_positive_definite", "non_symmetric")
def _fpd_non_symmetric(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return float(np.mean(np.linalg.eigvalsh(A)[:, 0] > 0))


@mistake("fraction_positive_definite", "any_positive")
def _fpd_any_positive(n, trials=1000, seed=0):
    _, largest = _smallest_and_largest(n, trials, seed)
    return float(np.mean(largest > 0))


@mistake("fraction_positive_definite", "negative_definite")
def _fpd_negative_definite(n, trials=1000, seed=0):
    _, largest = _smallest_and_largest(n, trials, seed)
    return float(np.mean(largest < 0))


@mistake("fraction_positive_definite", "fraction_of_eigenvalues")
def _fpd_fraction_of_eigenvalues(n, trials=1000, seed=0):
    return float(np.mean(np.linalg.eigvalsh(_symmetric_matrices(n, trials, seed)) > 0))


@mistake("fraction_positive_definite", "count")
def _fpd_count(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, trials, seed)
    return int(np.sum(smallest > 0))


@mistake("fraction_positive_definite", "ignores_trials")
def _fpd_ignores_trials(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, 1000, seed)
    return float(np.mean(smallest > 0))


@mistake("fraction_positive_definite", "ignores_seed")
def _fpd_ignores_seed(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, trials, 0)
    return float(np.mean(smallest > 0))


@mistake("fraction_positive_definite", "new_rng_per_trial")
def _fpd_new_rng_per_trial(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, 1, seed)
    return float(smallest[0] > 0)


@mistake("fraction_positive_definite", "global_rng")
def _fpd_global_rng(n, trials=1000, seed=0):
    np.random.seed(seed)
    A = np.random.standard_normal((trials, n, n))
    symmetric = (A + np.swapaxes(A, 1, 2)) / 2
    return float(np.mean(np.linalg.eigvalsh(symmetric)[:, 0] > 0))
