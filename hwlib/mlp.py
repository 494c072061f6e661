"""A one-hidden-layer fully connected ReLU network with SAMPLES AS ROWS.

Conventions
-----------
* X has shape (m, n_in): row i is sample i of the mini-batch.
* Weights multiply from the right: W_h has shape (n_in, n_hidden) and
  W_o has shape (n_hidden, n_out). (torch.nn.Linear stores the transpose,
  shape (out_features, in_features), and computes x W^T + b.)
* Biases are row vectors of shape (1, n_hidden) and (1, n_out), added to every
  row through a column of ones: X W_h + 1_m b_h.
"""
from __future__ import annotations

import numpy as np

from ._validate import positive_int as _positive_int

__all__ = ["mlp_shapes", "mlp_forward", "relu"]


def relu(z) -> np.ndarray:
    """Rectified linear unit max(0, z), elementwise (float64)."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def mlp_shapes(m: int, n_in: int = 10, n_hidden: int = 50,
               n_out: int = 3) -> dict[str, tuple[int, int]]:
    """Shapes of the input, parameters and output of an n_in-n_hidden-n_out network.

    m: mini-batch size. Returns a dict with X (m, n_in), W_h (n_in, n_hidden),
    b_h (1, n_hidden), W_o (n_hidden, n_out), b_o (1, n_out) and Y (m, n_out),
    for the samples-as-rows convention Y = act(act(X W_h + 1 b_h) W_o + 1 b_o).
    """
    m, n_in = _positive_int(m, "m"), _positive_int(n_in, "n_in")
    n_hidden, n_out = _positive_int(n_hidden, "n_hidden"), _positive_int(n_out, "n_out")
    return {"X": (m, n_in), "W_h": (n_in, n_hidden), "b_h": (1, n_hidden),
            "W_o": (n_hidden, n_out), "b_o": (1, n_out), "Y": (m, n_out)}


def _array(value, name: str, ndim: int) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != ndim or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries")
    return arr


def _bias(b, width: int, name: str) -> np.ndarray:
    b = np.asarray(b, dtype=np.float64)
    if b.shape not in ((width,), (1, width)):
        raise ValueError(f"{name} must have shape (1, {width}) or ({width},), got {b.shape}")
    return b.reshape(1, width)


def mlp_forward(X, W_h, b_h, W_o, b_o, output_relu: bool = True) -> np.ndarray:
    """Forward pass Y = ReLU(ReLU(X W_h + 1 b_h) W_o + 1 b_o), samples as rows.

    X: (m, n_in); W_h: (n_in, n_hidden); b_h: (1, n_hidden) or (n_hidden,);
    W_o: (n_hidden, n_out); b_o: (1, n_out) or (n_out,).
    output_relu: True applies ReLU to the output layer too (the homework says
    every neuron uses ReLU); False leaves the output layer affine,
    Y = ReLU(X W_h + 1 b_h) W_o + 1 b_o (the usual choice for logits).
    Returns Y of shape (m, n_out).
    """
    X = _array(X, "X", 2)
    W_h, W_o = _array(W_h, "W_h", 2), _array(W_o, "W_o", 2)
    if W_h.shape[0] != X.shape[1]:
        raise ValueError(f"W_h must have {X.shape[1]} rows (the features of X), "
                         f"got shape {W_h.shape}")
    if W_o.shape[0] != W_h.shape[1]:
        raise ValueError(f"W_o must have {W_h.shape[1]} rows (the hidden units), "
                         f"got shape {W_o.shape}")
    b_h = _bias(b_h, W_h.shape[1], "b_h")
    b_o = _bias(b_o, W_o.shape[1], "b_o")
    hidden = relu(X @ W_h + b_h)  # broadcasting the (1, k) row is 1_m b_h
    out = hidden @ W_o + b_o
    return relu(out) if output_relu else out
