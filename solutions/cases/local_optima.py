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


@cases_for("critical_point_type", returns=("the kind",))
def critical_point_type_cases(rng):
    hessians = [
        np.array([[rng.uniform(0.5, 3)]]),
        np.array([[-rng.uniform(0.5, 3)]]),
        np.diag([2.0, -2.0]),  # f(x, y) = x² − y²
        np.diag([0.0, 2.0, 3.0]),
        np.diag([1.0, 0.0, -2.0]),  # both signs and an exact zero: a saddle whatever the flat direction does
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
    # More zero eigenvalues that come out of eigvalsh as ±1e-16: the sign of that rounding differs from
    # matrix to matrix, so that a mistake which reads it is not mistaken for one that does not.
    hessians += [_with_eigenvalues(rng, np.r_[0.0, sign * _magnitudes(rng, n - 1)])
                 for n in (2, 3, 4, 5, 6, 3) for sign in (1.0, -1.0)]
    cases = [((H,), {}) for H in hessians]
    small = _with_eigenvalues(rng, [1e-5, 1.0, 2.0])
    tiny = _with_eigenvalues(rng, [-1e-10, -1.0, -rng.uniform(1, 3)])
    cases += [((small,), {}), ((small,), {"tol": 1e-4}), ((small, 1e-4), {}), ((tiny,), {"tol": 1e-12})]
    # Eigenvalues exactly at the tolerance count as zero (|λ| ≤ tol): powers of two, so eigvalsh returns them exactly.
    # With −tol beside positive eigenvalues the point is degenerate, not a saddle (a saddle needs some λ < −tol).
    cases += [((np.diag([0.25, 1.0, 2.0]),), {"tol": 0.25}), ((np.diag([-2.0, -1.0, -0.25]), 0.25), {})]
    cases += [((np.diag([-0.25, 1.0, 2.0]),), {"tol": 0.25}), ((np.diag([-2.0, 0.25, 0.5]), 0.25), {})]
    # A small eigenvalue of the other sign: a saddle for the default tol, degenerate once tol covers it.
    mixed_small = np.diag([-1e-5, 1.0, 2.0])
    cases += [((mixed_small,), {}), ((mixed_small,), {"tol": 1e-4})]
    cases += [((np.diag([2.0, 2.0]),), {}), ((np.diag([0.0, 2.0]),), {})]  # x² + y² and x²: flat along y
    # Eigenvalues that are zero to the tolerance but not exactly 0, on either side of it.
    cases += [((np.diag([5e-17, 1.0, 2.0]),), {}), ((np.diag([-5e-17, 1.0, 2.0]),), {})]
    return cases


def _eigenvalues(hessian):
    return np.linalg.eigvalsh(np.asarray(hessian, dtype=float))


# When several mistakes explain every failing case, check() names the first registered: keep the
# specific ones (exact_zero, degenerate_before_saddle) before the broad ignores_degenerate.
@mistake("critical_point_type", "min_max_swapped",
         "swapped minimum and maximum: all eigenvalues positive means the surface curves up in every "
         "direction, a minimum; all negative, a maximum.")
def _critical_swapped(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    kind = classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= tol)
    return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)


@mistake("critical_point_type", "exact_zero",
         "tested eigenvalues with == 0; computed eigenvalues of a singular matrix are tiny (like 1e-16), not "
         "exactly 0. Treat |λ| ≤ tol as zero.")
def _critical_exact_zero(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, eigenvalues == 0)


@mistake("critical_point_type", "strict_tol",
         "counted an eigenvalue as zero only when |λ| < tol; the contract says |λ| ≤ tol, so an eigenvalue "
         "exactly at the tolerance is zero too: use np.abs(eigenvalues) <= tol.")
def _critical_strict_tol(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) < tol)


@mistake("critical_point_type", "ignores_tol",
         "ignored the tol argument: count an eigenvalue as zero when |λ| ≤ tol, for the tol you were given.")
def _critical_ignores_tol(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= 1e-8)


@mistake("critical_point_type", "degenerate_before_saddle",
         "returned \"degenerate\" although the eigenvalues have both signs: with a positive and a negative "
         "eigenvalue the point is a saddle whatever the zero eigenvalues do, so test for both signs before "
         "testing for zeros.")
def _critical_degenerate_first(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    if np.any(np.abs(eigenvalues) <= tol):
        return "degenerate"
    return classify_eigenvalues(eigenvalues, False)


@mistake("critical_point_type", "ignores_degenerate",
         "never returned \"degenerate\": when an eigenvalue is zero (|λ| ≤ tol) and the others all have one "
         "sign, the second-derivative test cannot decide (x² + y⁴ is a minimum, x² − y⁴ a saddle, with the "
         "same Hessian), so return \"degenerate\".")
def _critical_no_degenerate(hessian, tol=1e-8):
    eigenvalues = _eigenvalues(hessian)
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


@mistake("critical_point_type", "diagonal_signs",
         "looked at the signs of the diagonal entries; the kind depends on the eigenvalues "
         "(np.linalg.eigvalsh): [[1, 2], [2, 1]] has a positive diagonal but eigenvalues 3 and −1, a saddle.")
def _critical_diagonal(hessian, tol=1e-8):
    diagonal = np.diag(np.asarray(hessian, dtype=float))
    return classify_eigenvalues(diagonal, np.abs(diagonal) <= tol)


@mistake("critical_point_type", "entry_signs",
         "looked at the signs of the matrix entries; the kind depends on the eigenvalues "
         "(np.linalg.eigvalsh): [[1, 2], [2, 1]] has only positive entries but eigenvalues 3 and −1, a "
         "saddle.")
def _critical_entries(hessian, tol=1e-8):
    entries = np.asarray(hessian, dtype=float)
    if np.all(np.abs(entries) <= tol):
        return "degenerate"
    return classify_eigenvalues(entries[np.abs(entries) > tol], False)


@mistake("critical_point_type", "determinant_test",
         "used the determinant (the 2 × 2 test); in n dimensions use all eigenvalues: two negative "
         "eigenvalues and one positive also give a positive determinant.")
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


@cases_for("fraction_positive_definite", returns=("the fraction",))
def fraction_positive_definite_cases(rng):
    # Each answer is one fraction, a few bits: many sizes, so that a mistake is told by many of them.
    sizes = [(1, 40), (2, 300), (3, 500), (2, 1), (int(rng.integers(2, 6)), int(rng.integers(50, 1500)))]
    sizes += [(int(n), int(trials)) for n, trials in zip(rng.integers(1, 7, size=10), rng.integers(5, 300, size=10))]
    sizes += [(n, int(trials)) for n in (2, 3) for trials in rng.integers(5, 60, size=3)]
    cases = [((n,), {"trials": trials, "seed": _clear_seed(rng, n, trials)}) for n, trials in sizes]
    n, trials = int(rng.integers(1, 4)), int(rng.integers(100, 400))
    cases.append(((n, trials, _clear_seed(rng, n, trials)), {}))
    if _clear_of_zero(3, 1000, 0):
        cases.append(((3,), {}))  # the defaults: trials=1000, seed=0
    return cases


def _smallest_and_largest(n, trials, seed):
    eigenvalues = np.linalg.eigvalsh(_symmetric_matrices(n, trials, seed))
    return eigenvalues[:, 0], eigenvalues[:, -1]


@mistake("fraction_positive_definite", "non_symmetric",
         "used matrices that are not symmetric: build S = (A + Aᵀ)/2 and take the eigenvalues of S "
         "(np.linalg.eigvalsh reads only one triangle of its argument, so an unsymmetrized A silently gives a"
         " different ensemble).")
def _fpd_non_symmetric(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return float(np.mean(np.linalg.eigvalsh(A)[:, 0] > 0))


@mistake("fraction_positive_definite", "non_symmetric_eigvals",
         "used matrices that are not symmetric: build S = (A + Aᵀ)/2 and take the eigenvalues of S (the "
         "eigenvalues of an unsymmetrized A are complex in general, and their real parts are another ensemble).")
def _fpd_non_symmetric_eigvals(n, trials=1000, seed=0):
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    return float(np.mean(np.all(np.linalg.eigvals(A).real > 0, axis=1)))


@mistake("fraction_positive_definite", "any_positive",
         "counted matrices with at least one positive eigenvalue; a matrix counts only when ALL its "
         "eigenvalues are positive (its smallest eigenvalue > 0).")
def _fpd_any_positive(n, trials=1000, seed=0):
    _, largest = _smallest_and_largest(n, trials, seed)
    return float(np.mean(largest > 0))


@mistake("fraction_positive_definite", "negative_definite",
         "counted matrices whose eigenvalues are all negative; count those whose eigenvalues are all positive"
         " (smallest eigenvalue > 0).")
def _fpd_negative_definite(n, trials=1000, seed=0):
    _, largest = _smallest_and_largest(n, trials, seed)
    return float(np.mean(largest < 0))


@mistake("fraction_positive_definite", "fraction_of_eigenvalues",
         "returned the fraction of positive eigenvalues; return the fraction of MATRICES whose eigenvalues "
         "are all positive.")
def _fpd_fraction_of_eigenvalues(n, trials=1000, seed=0):
    return float(np.mean(np.linalg.eigvalsh(_symmetric_matrices(n, trials, seed)) > 0))


@mistake("fraction_positive_definite", "count",
         "returned the number of positive definite matrices; divide by trials to get a fraction.")
def _fpd_count(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, trials, seed)
    return int(np.sum(smallest > 0))


@mistake("fraction_positive_definite", "ignores_trials",
         "did not use the trials argument: draw trials matrices.")
def _fpd_ignores_trials(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, 1000, seed)
    return float(np.mean(smallest > 0))


@mistake("fraction_positive_definite", "ignores_seed",
         "gave the same answer for different seeds: build rng = np.random.default_rng(seed) from the seed "
         "argument.")
def _fpd_ignores_seed(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, trials, 0)
    return float(np.mean(smallest > 0))


@mistake("fraction_positive_definite", "new_rng_per_trial",
         "created a new generator for every trial, so every trial drew the same matrix: create rng = "
         "np.random.default_rng(seed) once, before drawing.")
def _fpd_new_rng_per_trial(n, trials=1000, seed=0):
    smallest, _ = _smallest_and_largest(n, 1, seed)
    return float(smallest[0] > 0)


@mistake("fraction_positive_definite", "global_rng")
def _fpd_global_rng(n, trials=1000, seed=0):
    np.random.seed(seed)
    A = np.random.standard_normal((trials, n, n))
    symmetric = (A + np.swapaxes(A, 1, 2)) / 2
    return float(np.mean(np.linalg.eigvalsh(symmetric)[:, 0] > 0))
