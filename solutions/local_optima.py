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
        ``"degenerate"`` if any eigenvalue is (numerically) zero, else ``"minimum"``
        (all positive), ``"maximum"`` (all negative) or ``"saddle"`` (mixed signs).
    """
    eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
    return classify_eigenvalues(eigenvalues, np.abs(eigenvalues) <= tol)


def classify_eigenvalues(eigenvalues, is_zero):
    """The kind of critical point for Hessian eigenvalues, ``is_zero`` marking those that count as 0.

    Parameters
    ----------
    eigenvalues : ndarray of shape (n,)
    is_zero : ndarray of bool, shape (n,)

    Returns
    -------
    str
        ``"degenerate"``, ``"minimum"``, ``"maximum"`` or ``"saddle"``.
    """
    if np.any(is_zero):
        return "degenerate"
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


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
