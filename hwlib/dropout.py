"""Dropout on the input features of linear regression, seen as Tikhonov regularization.

Conventions
-----------
* X is the (n, d) data matrix (rows are samples), y has shape (n,), the weights
  w have shape (d,).
* ``p`` is the KEEP probability: each entry of X survives independently with
  probability p (R_ij ~ Bernoulli(p)) and is zeroed otherwise. Surviving
  entries are NOT rescaled by 1/p during training (unlike torch.nn.Dropout),
  so the weights learned this way must be multiplied by p afterwards.
* The dropout objective is L(w~) = E_R ||y - (R * X) w~||^2, whose closed form
  is ||y - p X w~||^2 + p (1 - p) ||Gamma~ w~||^2, with Gamma~ the diagonal
  matrix of the column norms of X.
"""
from __future__ import annotations

import numpy as np

__all__ = ["dropout_tikhonov_loss", "column_norm_matrix", "dropout_loss_monte_carlo",
           "dropout_to_ridge_weights", "equivalent_gamma", "ridge_change_of_variables",
           "effective_column_norms"]


def _matrix(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"X must be a non-empty (n, d) matrix, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite entries")
    return X


def _vector(v, length: int, name: str, what: str) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},) to match {what}, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} contains NaN or infinite entries")
    return v


def _keep_prob(p, open_interval: bool) -> float:
    p = float(p)
    if open_interval and not 0.0 < p < 1.0:
        raise ValueError(f"the keep probability p must lie strictly between 0 and 1 "
                         f"here (p = 0 or 1 gives a zero or infinite Gamma), got {p}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the keep probability p must lie in [0, 1], got {p}")
    return p


def _problem(X, y, w):
    X = _matrix(X)
    n, d = X.shape
    return X, _vector(y, n, "y", f"the {n} rows of X"), _vector(w, d, "w", f"the {d} columns of X")


def column_norm_matrix(X) -> np.ndarray:
    """Gamma~: the (d, d) diagonal matrix of the Euclidean norms of X's columns.

    X: array of shape (n, d). Entry (j, j) is ||X[:, j]||_2.
    """
    return np.diag(np.linalg.norm(_matrix(X), axis=0))


def dropout_tikhonov_loss(X, y, w, p) -> float:
    """Expected dropout loss in closed form: ||y - p X w||^2 + p (1 - p) ||Gamma~ w||^2.

    X: (n, d) data, y: (n,) targets, w: (d,) weights (the w~ that dropout
    training learns), p: keep probability in [0, 1], no 1/p rescaling.
    Equals E_R ||y - (R * X) w||^2 with R_ij ~ Bernoulli(p) i.i.d.: the mean of
    each residual gives the first term and its variance the second.
    """
    X, y, w = _problem(X, y, w)
    p = _keep_prob(p, open_interval=False)
    fit = y - p * (X @ w)
    penalty = np.linalg.norm(X, axis=0) * w  # Gamma~ w, without building the matrix
    return float(fit @ fit + p * (1.0 - p) * (penalty @ penalty))


def dropout_loss_monte_carlo(X, y, w, p, samples: int, rng=None) -> float:
    """Monte Carlo estimate of E_R ||y - (R * X) w||^2 from sampled dropout masks.

    X: (n, d), y: (n,), w: (d,), p: keep probability in [0, 1] (no rescaling).
    samples: number of independent masks R (each (n, d), entries Bernoulli(p)).
    rng: a numpy Generator or an integer seed (None: fresh entropy).
    Returns the sample mean of the loss over the masks; its error shrinks like
    1/sqrt(samples) around :func:`dropout_tikhonov_loss`.
    """
    X, y, w = _problem(X, y, w)
    p = _keep_prob(p, open_interval=False)
    if isinstance(samples, bool) or int(samples) != samples or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    total, done = 0.0, 0
    # Masks in chunks: keeps memory bounded for large sample counts.
    chunk = max(1, min(int(samples), 2_000_000 // X.size or 1))
    while done < samples:
        k = min(chunk, int(samples) - done)
        masks = rng.random((k, *X.shape)) < p
        residual = y - (masks * X) @ w
        total += float((residual ** 2).sum())
        done += k
    return total / int(samples)


def dropout_to_ridge_weights(w_tilde, p) -> np.ndarray:
    """Weights for the ridge problem from dropout-trained weights: w = p w~.

    w_tilde: (d,) weights learned with unscaled dropout, p: keep probability.
    Scaling by p is the inference-time correction for training without 1/p.
    """
    w_tilde = np.asarray(w_tilde, dtype=np.float64)
    if w_tilde.ndim != 1:
        raise ValueError(f"w_tilde must be a vector, got shape {w_tilde.shape}")
    return _keep_prob(p, open_interval=False) * w_tilde


def equivalent_gamma(X, p) -> np.ndarray:
    """Gamma of the generalized ridge problem equal to dropout: sqrt((1-p)/p) Gamma~.

    X: (n, d) data, p: keep probability strictly inside (0, 1).
    With w = p w~ the dropout objective becomes ||y - X w||^2 + ||Gamma w||^2
    for this (d, d) diagonal Gamma.
    p = 1 (no dropout) is refused although Gamma = 0 is its limit: homework
    2's change of variables X Gamma^-1 needs an invertible Gamma, so hw2.q6
    accepts only 0 < p < 1. The loss itself (``dropout_tikhonov_loss``)
    accepts p = 1, where it is the plain squared error.
    """
    p = _keep_prob(p, open_interval=True)
    return np.sqrt((1.0 - p) / p) * column_norm_matrix(X)


def ridge_change_of_variables(X, Gamma) -> np.ndarray:
    """Data matrix of the classical ridge problem after w' = Gamma w: X Gamma^{-1}.

    X: (n, d), Gamma: invertible (d, d). ||y - X w||^2 + ||Gamma w||^2 equals
    ||y - X~ w'||^2 + ||w'||^2 with X~ = X Gamma^{-1}. A singular Gamma (e.g.
    from an all-zero column of X) raises ValueError.
    """
    X = _matrix(X)
    Gamma = np.asarray(Gamma, dtype=np.float64)
    d = X.shape[1]
    if Gamma.shape != (d, d):
        raise ValueError(f"Gamma must have shape ({d}, {d}) to match X's columns, "
                         f"got shape {Gamma.shape}")
    if not np.all(np.isfinite(Gamma)) or np.linalg.matrix_rank(Gamma) < d:
        raise ValueError("Gamma is singular (or not finite), so X Gamma^{-1} does not "
                         "exist; an all-zero column of X gives a zero diagonal entry")
    # X Gamma^{-1} = (Gamma^{-T} X^T)^T: solve instead of forming the inverse.
    return np.linalg.solve(Gamma.T, X.T).T


def effective_column_norms(X, p) -> np.ndarray:
    """Column norms of X Gamma^{-1} for Gamma = equivalent_gamma(X, p).

    X: (n, d) with no all-zero column, p in (0, 1). Every entry equals
    sqrt(p / (1 - p)): the change of variables rescales each column to the
    same norm, much as normalization layers equalize feature scales.
    """
    return np.linalg.norm(ridge_change_of_variables(X, equivalent_gamma(X, p)), axis=0)
