"""Dot-product self-attention with TOKENS AS COLUMNS, permutations, positional encodings.

Conventions
-----------
* X has shape (D, N): column n is the D-dimensional embedding of token n.
* Queries, keys and values are Q = b_q 1^T + W_q X (and likewise K, V), so the
  bias vector is added to every column.
* Sa[X] = V Softmax(K^T Q), where Softmax normalizes EACH COLUMN of the
  (N, N) score matrix K^T Q: entry (m, n) is the weight that query n puts on
  key m, and column n sums to 1. There is no 1/sqrt(D) scaling.
* Permutations act on the right: X P reorders the columns (tokens) of X.
* :func:`sinusoidal_positional_encoding` returns one ROW per position (the
  usual table layout); add its transpose to a (D, N) X.
"""
from __future__ import annotations

import numpy as np

from ._validate import positive_int as _positive_int

__all__ = ["softmax_columns", "self_attention", "permutation_matrix",
           "sinusoidal_positional_encoding"]


def _matrix(value, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries")
    return arr


def softmax_columns(A) -> np.ndarray:
    """Softmax of each column of a matrix (each output column sums to 1).

    A: array of shape (M, N). Returns exp(A[:, n]) / sum_m exp(A[m, n]) for
    every column n, computed after subtracting each column's maximum so that
    large scores do not overflow.
    """
    A = _matrix(A, "A")
    e = np.exp(A - A.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _projection(W, b, X: np.ndarray, name: str) -> np.ndarray:
    W = _matrix(W, f"W{name}")
    if W.shape[1] != X.shape[0]:
        raise ValueError(f"W{name} must have {X.shape[0]} columns to multiply X of shape "
                         f"{X.shape}, got shape {W.shape}")
    if b is None:
        return W @ X
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if b.shape != (W.shape[0],):
        raise ValueError(f"b{name} must have {W.shape[0]} entries (the rows of W{name}), "
                         f"got {b.size}")
    return b[:, None] + W @ X  # b 1^T: the same bias added to every token


def self_attention(X, Wq, Wk, Wv, bq=None, bk=None, bv=None) -> np.ndarray:
    """Self-attention Sa[X] = V Softmax(K^T Q) with tokens as columns.

    X: (D, N), N tokens of dimension D. Wq, Wk: (D_k, D); Wv: (D_v, D) (all
    (D, D) in the homework). bq, bk: (D_k,), bv: (D_v,); None means zero.
    Q = bq 1^T + Wq X, K = bk 1^T + Wk X, V = bv 1^T + Wv X; the softmax runs
    over each column of the (N, N) matrix K^T Q (over keys, per query).
    Returns an array of shape (D_v, N): column n is token n's output.
    """
    X = _matrix(X, "X")
    Q = _projection(Wq, bq, X, "q")
    K = _projection(Wk, bk, X, "k")
    V = _projection(Wv, bv, X, "v")
    if Q.shape[0] != K.shape[0]:
        raise ValueError(f"queries and keys need the same dimension: Wq has {Q.shape[0]} "
                         f"rows, Wk has {K.shape[0]}")
    return V @ softmax_columns(K.T @ Q)


def permutation_matrix(perm) -> np.ndarray:
    """Permutation matrix P such that X P has columns X[:, perm[0]], X[:, perm[1]], ...

    perm: a permutation of 0..N-1 (list or array). Returns the (N, N) float
    matrix with P[perm[j], j] = 1, so column j of X P is column perm[j] of X
    (equivalently X P == X[:, perm]); P^T = P^{-1}.
    """
    perm = np.asarray(perm)
    if perm.ndim != 1 or perm.size == 0:
        raise ValueError(f"perm must be a non-empty 1-D sequence, got shape {perm.shape}")
    if not np.issubdtype(perm.dtype, np.integer):
        if not (np.issubdtype(perm.dtype, np.number) and np.all(perm == np.round(perm))):
            raise ValueError(f"perm must hold integers, got {perm.tolist()}")
        perm = perm.astype(np.int64)
    n = perm.size
    if sorted(perm.tolist()) != list(range(n)):
        raise ValueError(f"perm must contain each of 0..{n - 1} exactly once, got {perm.tolist()}")
    P = np.zeros((n, n))
    P[perm, np.arange(n)] = 1.0
    return P


def sinusoidal_positional_encoding(n_positions: int, d: int) -> np.ndarray:
    """Sinusoidal positional encoding table, one ROW per position.

    n_positions: number of positions (>= 1); d: model dimension, even.
    Returns PE of shape (n_positions, d) with
    PE[pos, 2i] = sin(pos / 10000^(2i/d)) and PE[pos, 2i+1] = cos(pos / 10000^(2i/d))
    for pos = 0..n_positions-1 and i = 0..d/2-1. With tokens as columns, add
    PE.T to X of shape (d, N).
    """
    n_positions = _positive_int(n_positions, "n_positions")
    d = _positive_int(d, "d")
    if d % 2:
        raise ValueError(f"d must be even (sin/cos pairs), got {d}")
    pos = np.arange(n_positions, dtype=np.float64)[:, None]
    freq = 10000.0 ** (-np.arange(0, d, 2, dtype=np.float64) / d)  # 1 / 10000^(2i/d)
    angles = pos * freq
    pe = np.empty((n_positions, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe
