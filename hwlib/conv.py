"""Convolution: cross-correlation, shift equivariance, filters, transposes, receptive fields.

Conventions used throughout (say which one a homework uses!):

* "convolution" in deep learning is CROSS-CORRELATION: the kernel is slid over
  the signal without flipping, ``y[i] = sum_j w[j] x[i*stride + j*spacing]``
  (PyTorch's ``conv1d``). :func:`convolve1d` is the flipped-kernel (textbook)
  convolution.
* Dilation has two spellings. PyTorch's ``dilation`` is the SPACING between
  kernel taps (1 = ordinary convolution); the course textbook's notebooks
  (UDL, chapter 10) count the same way. Homework 3's statement (seed 003)
  instead calls an ordinary layer "dilation zero", i.e. it counts the ZEROS
  inserted between taps, so its "dilation 2" is spacing 3. Functions that
  take a dilation say which they mean; :func:`dilation_spacing` converts.
* Arrays are 0-based; the written-out formulas of :func:`dilated_conv_formula`
  are 1-based like the homework's.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

CONVENTIONS = ("spacing", "zeros")


# --------------------------------------------------------------------------- sizes
def conv_output_length(n: int, kernel_size: int, stride: int = 1, padding: int = 0,
                       dilation: int = 1) -> int:
    """Output length of a 1D cross-correlation (PyTorch's formula, dilation = tap spacing).

    floor((n + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1; raises
    ValueError when the dilated kernel is longer than the padded input.
    """
    n, k = _positive(n, "input length"), _positive(kernel_size, "kernel_size")
    s, d = _positive(stride, "stride"), _positive(dilation, "dilation")
    p = _non_negative(padding, "padding")
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(
            f"kernel spans {span} samples (kernel_size {k}, dilation {d}) but the padded "
            f"input has only {n + 2 * p}")
    return (n + 2 * p - span) // s + 1


def same_output_length(n: int, stride: int) -> int:
    """Output length of a 'SAME'-padded convolution (TensorFlow rule): ceil(n / stride)."""
    return math.ceil(_positive(n, "input length") / _positive(stride, "stride"))


def transpose_output_length(n: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a 1D transpose convolution: (n - 1) stride + kernel_size - 2 padding."""
    n, k = _positive(n, "input length"), _positive(kernel_size, "kernel_size")
    s, p = _positive(stride, "stride"), _non_negative(padding, "padding")
    out = (n - 1) * s + k - 2 * p
    if out < 1:
        raise ValueError(f"padding {p} crops the whole output (length before cropping {out + 2 * p})")
    return out


def dilation_spacing(dilation: int, convention: str = "spacing") -> int:
    """Tap spacing of a dilated kernel: ``dilation`` itself for PyTorch's
    convention (and the textbook's), ``dilation + 1`` when dilation counts the
    inserted zeros (homework 3's "dilation zero" wording)."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if convention == "zeros":
        return _non_negative(dilation, "dilation (zeros inserted)") + 1
    return _positive(dilation, "dilation (tap spacing)")


# ------------------------------------------------------------- cross-correlation
def corr1d(x, w, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """1D cross-correlation (no kernel flip), zero padding, dilation = tap spacing.

    x: signal of shape (n,); w: kernel of shape (k,).
    Returns y of shape (conv_output_length(n, k, stride, padding, dilation),) with
    y[i] = sum_j w[j] x_pad[i * stride + j * dilation].
    """
    x, w = _vector(x, "x"), _vector(w, "w")
    m = conv_output_length(len(x), len(w), stride, padding, dilation)
    xp = np.pad(x, padding)
    idx = np.arange(m)[:, None] * stride + np.arange(len(w))[None, :] * dilation
    return xp[idx] @ w


def convolve1d(x, w, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """1D convolution with the kernel FLIPPED (the signal-processing definition).

    Equal to :func:`corr1d` with ``w[::-1]``; shapes as there.
    """
    return corr1d(x, _vector(w, "w")[::-1], stride, padding, dilation)


def corr2d(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2D cross-correlation (no kernel flip) with zero padding.

    x: image of shape (H, W); w: kernel of shape (kh, kw). Rows are the first
    index. Returns shape (floor((H+2p-kh)/s)+1, floor((W+2p-kw)/s)+1).
    """
    x, w = _matrix(x, "x"), _matrix(w, "w")
    oh = conv_output_length(x.shape[0], w.shape[0], stride, padding)
    ow = conv_output_length(x.shape[1], w.shape[1], stride, padding)
    xp = np.pad(x, padding)
    out = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[i * stride:i * stride + w.shape[0], j * stride:j * stride + w.shape[1]]
            out[i, j] = np.sum(patch * w)
    return out


# ------------------------------------------------------------ shift equivariance
def shift(f, a: int) -> np.ndarray:
    """Circular shift of a periodic signal: (S_a f)[n] = f[n - a mod N]."""
    return np.roll(_vector(f, "f"), int(a))


def circular_convolve(f, h) -> np.ndarray:
    """Circular convolution (flipped kernel) of two length-N periodic signals.

    (f * h)[n] = sum_m f[m] h[(n - m) mod N]; f and h must have the same length.
    """
    f, h = _vector(f, "f"), _vector(h, "h")
    if len(f) != len(h):
        raise ValueError(f"f and h must have the same length, got {len(f)} and {len(h)}")
    n = len(f)
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    return h[idx] @ f


def convolve_continuous(f: Callable[[float], float], h: Callable[[float], float], x: float,
                        lower: float = -np.inf, upper: float = np.inf) -> float:
    """Continuous convolution (f * h)(x) = integral f(tau) h(x - tau) dtau, by quadrature.

    f, h: scalar functions; the integral runs over tau in [lower, upper] (the
    support of f, when it is bounded, makes quadrature accurate).
    """
    from scipy.integrate import quad

    value, _ = quad(lambda tau: f(tau) * h(x - tau), lower, upper, limit=200)
    return float(value)


# ------------------------------------------------------------ recovering a filter
def recover_filter(x, y, kernel_size: int | None = None, flipped: bool = False) -> np.ndarray:
    """Recover the kernel w of a stride-1, unpadded 1D cross-correlation y = corr1d(x, w).

    x: input of shape (n,); y: output of shape (n - k + 1,). ``kernel_size``
    defaults to n - len(y) + 1. With ``flipped=True`` the kernel of a true
    (flipped) convolution is returned instead. The linear system is solved
    exactly in rationals when x and y are integers; float data are solved by
    least squares and accepted when y is reproduced to a relative
    ``RECOVER_RTOL`` (round-off in y is not an inconsistency). Raises
    ValueError when the system is singular (the filter is not determined) or
    inconsistent, or when x or y holds NaN or infinity.
    """
    x, y = _vector(x, "x"), _vector(y, "y")
    if kernel_size is None and len(y) > len(x):
        raise ValueError(f"y (length {len(y)}) is longer than x (length {len(x)}): "
                         "an unpadded stride-1 correlation cannot lengthen a signal; pass kernel_size")
    k = len(x) - len(y) + 1 if kernel_size is None else _positive(kernel_size, "kernel_size")
    if len(x) - k + 1 != len(y):
        raise ValueError(f"a length-{k} kernel on a length-{len(x)} input gives "
                         f"{len(x) - k + 1} outputs, but y has {len(y)}")
    # Row i of A holds the input window that output i sees: y = A w.
    A = [[x[i + j] for j in range(k)] for i in range(len(y))]
    w = _solve_exact(A, list(y))
    return w[::-1] if flipped else w


# Float data: y must be reproduced to this relative size (of |A| |w| + |b|).
RECOVER_RTOL = 1e-9


def _solve_exact(A, b) -> np.ndarray:
    import sympy

    values = [float(v) for row in A for v in row] + [float(v) for v in b]
    if not all(np.isfinite(values)):
        raise ValueError("x and y must be finite numbers (found NaN or infinity)")
    integral = all(v.is_integer() for v in values)
    if not integral:
        return _solve_float(np.asarray(A, dtype=np.float64), np.asarray(b, dtype=np.float64))
    cast = lambda v: sympy.Integer(int(v))  # noqa: E731
    M = sympy.Matrix([[cast(v) for v in row] for row in A])
    rhs = sympy.Matrix([cast(v) for v in b])
    if M.rank() < M.shape[1]:
        raise ValueError(
            f"the input does not determine the filter: the {M.shape[0]}x{M.shape[1]} system "
            f"has rank {M.rank()}")
    try:
        sol = M.gauss_jordan_solve(rhs)[0] if M.shape[0] != M.shape[1] else M.LUsolve(rhs)
    except ValueError:  # sympy: "Linear system has no solution"
        sol = None
    if sol is None or M * sol != rhs:
        raise ValueError("no filter reproduces y from x (the system is inconsistent)")
    return np.array([float(v) for v in sol])


def _solve_float(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Least-squares solution of A w = b, checked to reproduce b to RECOVER_RTOL."""
    rank = np.linalg.matrix_rank(A)
    if rank < A.shape[1]:
        raise ValueError(
            f"the input does not determine the filter: the {A.shape[0]}x{A.shape[1]} system "
            f"has rank {rank}")
    w, *_ = np.linalg.lstsq(A, b, rcond=None)
    scale = np.abs(A) @ np.abs(w) + np.abs(b)
    if np.any(np.abs(A @ w - b) > RECOVER_RTOL * np.maximum(scale, np.finfo(float).tiny)):
        raise ValueError("no filter reproduces y from x (the system is inconsistent)")
    return w


# ------------------------------------------------------------ transpose convolution
def transpose_conv1d(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """1D transpose convolution (scatter-add, no kernel flip), as torch.conv_transpose1d.

    Each input sample x[i] adds x[i] * w into the output starting at i * stride;
    overlaps are summed; then ``padding`` samples are cropped from each end.
    x: shape (n,); w: shape (k,). Output length (n - 1) stride + k - 2 padding.
    """
    x, w = _vector(x, "x"), _vector(w, "w")
    m = transpose_output_length(len(x), len(w), stride, padding)
    full = np.zeros((len(x) - 1) * stride + len(w))
    for i, xi in enumerate(x):
        full[i * stride:i * stride + len(w)] += xi * w
    return full[padding:padding + m]


def transpose_conv2d(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2D transpose convolution (scatter-add, no kernel flip), as torch.conv_transpose2d.

    x: shape (H, W); w: shape (kh, kw); rows are the first index. Input pixel
    (i, j) adds x[i, j] * w at (i * stride, j * stride); ``padding`` rows and
    columns are cropped from every side.
    """
    x, w = _matrix(x, "x"), _matrix(w, "w")
    oh = transpose_output_length(x.shape[0], w.shape[0], stride, padding)
    ow = transpose_output_length(x.shape[1], w.shape[1], stride, padding)
    full = np.zeros(((x.shape[0] - 1) * stride + w.shape[0], (x.shape[1] - 1) * stride + w.shape[1]))
    for (i, j), v in np.ndenumerate(x):
        full[i * stride:i * stride + w.shape[0], j * stride:j * stride + w.shape[1]] += v * w
    return full[padding:padding + oh, padding:padding + ow]


def transpose_conv1d_symbolic(inputs: Sequence[str] = ("a", "b", "c"),
                              kernel: Sequence[str] = ("x", "y", "z"), stride: int = 2) -> list:
    """Transpose convolution of symbolic sequences (sympy), no padding.

    With inputs a, b, c, kernel x, y, z and stride 2 this gives
    [a x, a y, a z + b x, b y, b z + c x, c y, c z].
    An output position that no input reaches (stride larger than the kernel)
    is sympy's integer 0, which a notebook answer writes as the string "0".
    """
    import sympy

    xs = sympy.symbols(list(inputs))
    ws = sympy.symbols(list(kernel))
    s = _positive(stride, "stride")
    out = [sympy.Integer(0)] * ((len(xs) - 1) * s + len(ws))
    for i, xi in enumerate(xs):
        for j, wj in enumerate(ws):
            out[i * s + j] += xi * wj
    return out


# ------------------------------------------------------------ dilated convolution
def tap_offsets(kernel_size: int, dilation: int, convention: str = "spacing") -> list[int]:
    """Offsets of the kernel taps from the first one: 0, spacing, 2 spacing, ..."""
    spacing = dilation_spacing(dilation, convention)
    return [j * spacing for j in range(_positive(kernel_size, "kernel_size"))]


def dilated_conv_formula(kernel_size: int = 7, dilation: int = 2, stride: int = 3,
                         convention: str = "zeros") -> str:
    """Written-out output z_k (1-based k) of a dilated, strided 1D cross-correlation.

    Output k starts at input index 1 + stride (k - 1); tap j (1-based) reads
    x at that start plus (j - 1) spacing. Returns e.g.
    ``z_k = w_1 x_{1+3(k-1)} + w_2 x_{4+3(k-1)} + ...``.
    """
    s = _positive(stride, "stride")
    terms = [f"w_{j + 1} x_{{{1 + off}+{s}(k-1)}}"
             for j, off in enumerate(tap_offsets(kernel_size, dilation, convention))]
    return "z_k = " + " + ".join(terms)


# ------------------------------------------------------------ receptive field
def receptive_field(kernel_sizes: Sequence[int], strides: Sequence[int] | None = None,
                    dilations: Sequence[int] | None = None, convention: str = "spacing") -> int:
    """Receptive field (in input samples) of one unit after a stack of 1D convolutions.

    RF = 1 + sum_l (k_l - 1) spacing_l prod_{j<l} s_j, layer 1 nearest the
    input. Padding does not change it. Three kernel-7, stride-1 layers give 19.
    """
    ks = [_positive(k, "kernel size") for k in kernel_sizes]
    if not ks:
        raise ValueError("need at least one layer")
    ss = [1] * len(ks) if strides is None else [_positive(s, "stride") for s in strides]
    default = 0 if convention == "zeros" else 1
    ds = [default] * len(ks) if dilations is None else list(dilations)
    if not len(ks) == len(ss) == len(ds):
        raise ValueError(f"got {len(ks)} kernel sizes, {len(ss)} strides, {len(ds)} dilations")
    rf, jump = 1, 1
    for k, s, d in zip(ks, ss, ds):
        rf += (k - 1) * dilation_spacing(d, convention) * jump
        jump *= s
    return rf


# ------------------------------------------------------------ validation helpers
def _vector(v, name: str) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D sequence, got shape {a.shape}")
    return a


def _matrix(v, name: str) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 2D array, got shape {a.shape}")
    return a


def _positive(v, name: str) -> int:
    if isinstance(v, bool) or int(v) != v or int(v) < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def _non_negative(v, name: str) -> int:
    if isinstance(v, bool) or int(v) != v or int(v) < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    return int(v)


__all__ = [n for n in dir() if not n.startswith("_") and n not in {
    "annotations", "math", "np", "Callable", "Sequence"}]
