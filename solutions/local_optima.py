"""Notebook 08: critical points, saddles and how rare minima are in high dimension."""

import numpy as np


def critical_point_type(hessian, tol=1e-8):
    """Classify a critical point from the eigenvalues of its (symmetric) Hessian.

    Parameters
    ----------
    hessian : ndarray of shape (n, n)
        Symmetric matrix of second derivatives at the critical point.
    tol : float, default 1e-8
        Eigenvalues with ``|lambda| <= tol`` count as zero.

    Returns
    -------
    str
        The second-derivative test: ``"saddle"`` if some eigenvalue is ``> tol`` and
        some ``< -tol`` (whatever the zero eigenvalues do); else ``"degenerate"`` if any
        ``|lambda| <= tol`` (the second derivatives cannot decide); else ``"minimum"``
        (all ``> tol``) or ``"maximum"`` (all ``< -tol``).
    """
    eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= tol)


def classify_eigenvalues(eigenvalues, is_zero):
    """The kind of critical point for Hessian eigenvalues, ``is_zero`` marking those that count as 0.

    A positive and a negative eigenvalue (neither counted as 0) make a saddle; otherwise any
    zero makes the point degenerate; otherwise the common sign gives a minimum or a maximum.

    Parameters
    ----------
    eigenvalues : ndarray of shape (n,)
    is_zero : ndarray of bool, shape (n,), or a bool for all of them

    Returns
    -------
    str
        ``"saddle"``, ``"degenerate"``, ``"minimum"`` or ``"maximum"``.
    """
    eigenvalues = np.asarray(eigenvalues)
    nonzero = ~np.asarray(is_zero, dtype=bool)
    positive = np.any((eigenvalues > 0) & nonzero)
    negative = np.any((eigenvalues < 0) & nonzero)
    if positive and negative:
        return "saddle"
    if not np.all(nonzero):
        return "degenerate"
    return "minimum" if positive else "maximum"


def fraction_positive_definite(n, trials=1000, seed=0):
    """Fraction of random symmetric ``n x n`` matrices whose eigenvalues are all positive.

    The matrices are ``(A + A.T) / 2`` with ``A`` standard Gaussian (the Gaussian
    orthogonal ensemble), drawn with ``np.random.default_rng(seed)``.

    Parameters
    ----------
    n : int
        Dimension.
    trials : int, default 1000
        Number of matrices.
    seed : int, default 0

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    A = np.random.default_rng(seed).standard_normal((trials, n, n))
    symmetric = (A + np.swapaxes(A, 1, 2)) / 2
    smallest = np.linalg.eigvalsh(symmetric)[:, 0]
    return float(np.mean(smallest > 0))
