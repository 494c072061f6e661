"""Normalization layers: which axes they reduce over, forward passes, gradients.

Conventions
-----------
* Images use the ``NCHW`` layout unless a ``layout`` string says otherwise
  (N = mini-batch, C = channels, H, W = pixel rows and columns).
* Batch norm computes one mean and one variance per channel, over N, H and W;
  layer norm computes one per sample, over C, H and W; instance norm one per
  (sample, channel) pair, over H and W.
* Every variance is the BIASED batch variance ``(1/m) sum (x - mean)^2``, the
  one batch norm uses in training mode.
* All computations run in numpy float64; inputs may be lists or arrays.
"""
from __future__ import annotations

import numpy as np

__all__ = ["norm_axes", "norm_axes_letters", "batch_norm", "layer_norm",
           "meanonly_bn_backward", "batchnorm_backward"]

# The letters each kind of normalization KEEPS (computes separate statistics
# for); it reduces over every other letter of the layout.
_KEPT = {"batch": frozenset("C"), "layer": frozenset("N"),
         "instance": frozenset("NC")}
_ALIASES = {"batch": "batch", "batch_norm": "batch", "batchnorm": "batch", "bn": "batch",
            "layer": "layer", "layer_norm": "layer", "layernorm": "layer", "ln": "layer",
            "instance": "instance", "instance_norm": "instance",
            "instancenorm": "instance"}


def _kind(kind: str) -> str:
    key = str(kind).strip().lower()
    if key not in _ALIASES:
        raise ValueError(
            f"unknown normalization kind {kind!r}; expected 'batch', 'layer' or "
            "'instance' (group norm is not covered)")
    return _ALIASES[key]


def _layout(layout: str) -> str:
    text = str(layout).strip().upper()
    if sorted(text) != sorted("NCHW"):
        raise ValueError(
            f"layout must be an ordering of the four letters N, C, H, W "
            f"(e.g. 'NCHW' or 'NHWC'), got {layout!r}")
    return text


def norm_axes(kind: str, layout: str = "NCHW") -> tuple[int, ...]:
    """Axes (as integers) that a normalization layer reduces over.

    kind: 'batch', 'layer' or 'instance' (aliases such as 'batch_norm' work).
    layout: the order of the four axes, e.g. 'NCHW' (default) or 'NHWC'.
    Returns the sorted axis indices, e.g. batch norm in NCHW -> (0, 2, 3)
    and layer norm in NCHW -> (1, 2, 3).
    """
    kept = _KEPT[_kind(kind)]
    return tuple(i for i, letter in enumerate(_layout(layout)) if letter not in kept)


def norm_axes_letters(kind: str, layout: str = "NCHW") -> tuple[str, ...]:
    """Axes (as layout letters) that a normalization layer reduces over.

    Same rule as :func:`norm_axes`, named by letter in layout order: batch norm
    in NCHW -> ('N', 'H', 'W'), layer norm -> ('C', 'H', 'W').
    """
    letters = _layout(layout)
    return tuple(letters[i] for i in norm_axes(kind, letters))


def _as_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite entries")
    return arr


def _check_eps(eps: float) -> float:
    eps = float(eps)
    if not eps >= 0.0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    return eps


def _affine_param(param, name: str, x_shape: tuple[int, ...],
                  axes: tuple[int, ...]) -> np.ndarray:
    """Reshape gamma/beta (a scalar, or the shape of the kept axes) to broadcast."""
    arr = _as_float_array(param, name)
    if arr.ndim == 0:
        return arr
    kept_shape = tuple(s for i, s in enumerate(x_shape) if i not in axes)
    if arr.shape != kept_shape:
        raise ValueError(
            f"{name} must be a scalar or have the shape of the non-reduced axes "
            f"{kept_shape}, got shape {arr.shape}")
    keepdims_shape = tuple(1 if i in axes else s for i, s in enumerate(x_shape))
    return arr.reshape(keepdims_shape)


def _normalize_axes(axes, ndim: int) -> tuple[int, ...]:
    try:
        axes = tuple(int(a) for a in axes)
    except TypeError:
        axes = (int(axes),)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an input with {ndim} dimensions")
        out.append(a % ndim)
    if len(set(out)) != len(out) or not out:
        raise ValueError(f"axes must be distinct and non-empty, got {axes}")
    return tuple(sorted(out))


def _layer_affine_param(param, name: str, x_shape: tuple[int, ...]) -> np.ndarray:
    """gamma/beta of layer norm: a scalar or one entry per normalized element."""
    arr = _as_float_array(param, name)
    if arr.ndim != 0 and arr.shape != x_shape[1:]:
        raise ValueError(f"{name} must be a scalar or have shape {x_shape[1:]} "
                         f"(x.shape[1:]), got shape {arr.shape}")
    return arr  # broadcasts against (N, ...) along the leading sample axis


def _normalize(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float,
               axes: tuple[int, ...]) -> np.ndarray:
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # biased: divide by m
    if np.any(var + eps == 0.0):
        raise ValueError("a reduced group has zero variance and eps = 0: the "
                         "normalization divides by zero; use eps > 0")
    return g * (x - mean) / np.sqrt(var + eps) + b


def batch_norm(x, gamma, beta, eps: float = 1e-5, axes=None) -> np.ndarray:
    """Batch normalization forward pass (training mode, biased batch variance).

    x: array of any shape with the channel/feature axis at position 1
       (e.g. (N, C, H, W) or (N, D)); a 1-D x of shape (N,) is one feature.
    gamma, beta: scalars or arrays with the shape of the axes that are NOT
       reduced (shape (C,) for NCHW input).
    axes: the axes to reduce over; by default every axis except axis 1
       ((0, 2, 3) for NCHW, (0,) for (N, D) or (N,)).
    Returns gamma * (x - mean) / sqrt(var + eps) + beta, where mean and var
    are taken over ``axes`` and var divides by the number of reduced entries.
    """
    x = _as_float_array(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension (the batch)")
    if axes is None:
        axes = (0,) if x.ndim == 1 else tuple(i for i in range(x.ndim) if i != 1)
    axes = _normalize_axes(axes, x.ndim)
    g = _affine_param(gamma, "gamma", x.shape, axes)
    b = _affine_param(beta, "beta", x.shape, axes)
    return _normalize(x, g, b, _check_eps(eps), axes)


def layer_norm(x, gamma, beta, eps: float = 1e-5) -> np.ndarray:
    """Layer normalization forward pass: statistics per sample over all other axes.

    x: array of shape (N, ...) with the sample axis first, e.g. (N, C, H, W)
       (reduces over C, H, W) or (N, D) (reduces over D).
    gamma, beta: scalars or arrays of shape x.shape[1:] (one scale and shift
       per normalized entry, as torch.nn.LayerNorm(x.shape[1:]) holds).
    Returns gamma * (x - mean) / sqrt(var + eps) + beta with the biased variance.
    """
    x = _as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, ...) with at least 2 dimensions, "
                         f"got shape {x.shape}")
    g = _layer_affine_param(gamma, "gamma", x.shape)
    b = _layer_affine_param(beta, "beta", x.shape)
    return _normalize(x, g, b, _check_eps(eps), tuple(range(1, x.ndim)))


def meanonly_bn_backward(dy, gamma) -> np.ndarray:
    """Input gradient of mean-only batch norm y_i = gamma (x_i - mean(x)) + beta.

    dy: array of shape (n,) (one scalar feature) or (n, D) (features in
        columns): the upstream gradients g_i = dL/dy_i over a batch of n.
    gamma: scalar, or shape (D,) for 2-D dy.
    Returns dL/dx_i = gamma * (g_i - (1/n) sum_j g_j), the same shape as dy.
    With n = 1 the result is exactly 0 (the output never depends on x_1).
    As n grows each other sample's g_j enters with weight gamma/n -> 0, so
    dL/dx_i -> gamma g_i provided the batch mean of g becomes negligible next
    to g_i (e.g. upstream gradients centred over the batch). Averaging the
    per-sample losses does NOT give this: then g_i = l_i'/n shrinks at the
    same rate as mean(g), and the relative size of the mean term is unchanged.
    The exact gradient keeps the mean term at every n.
    The gradient does not depend on x or beta.
    """
    g = _as_float_array(dy, "dy")
    if g.ndim not in (1, 2) or g.shape[0] == 0:
        raise ValueError(f"dy must have shape (n,) or (n, D) with n >= 1, got shape {g.shape}")
    gam = _as_float_array(gamma, "gamma")
    if gam.ndim != 0 and (g.ndim != 2 or gam.shape != g.shape[1:]):
        raise ValueError(f"gamma must be a scalar or have shape {g.shape[1:]}, "
                         f"got shape {gam.shape}")
    return gam * (g - g.mean(axis=0))


def batchnorm_backward(x, dy, gamma, eps: float = 1e-5) -> dict[str, np.ndarray]:
    """Backward pass of batch norm (biased batch variance) by the chain rule.

    x, dy: arrays of shape (m,) (one scalar feature) or (m, D) (features in
        columns, batch along rows): the forward input and dL/dy.
    gamma: scalar, or shape (D,) for 2-D input.
    Forward: mu = mean(x), var = (1/m) sum (x - mu)^2,
    xhat = (x - mu) / sqrt(var + eps), y = gamma xhat + beta.
    Returns a dict with
      dxhat  = gamma dy
      dvar   = -1/2 sum_i dxhat_i (x_i - mu) (var + eps)^(-3/2)
      dmu    = -sum_i dxhat_i / sqrt(var + eps)
      dx     = dxhat / sqrt(var + eps) + dvar 2 (x - mu) / m + dmu / m
      dgamma = sum_i dy_i xhat_i,  dbeta = sum_i dy_i
    (dvar, dmu, dgamma, dbeta per feature). The full chain rule gives dmu an
    extra term dvar * dvar/dmu = dvar * (-2/m) sum_i (x_i - mu); it is dropped
    because sum_i (x_i - mu) = 0 exactly, so dmu above is complete.
    """
    x = _as_float_array(x, "x")
    g = _as_float_array(dy, "dy")
    if x.ndim not in (1, 2) or x.shape[0] == 0:
        raise ValueError(f"x must have shape (m,) or (m, D) with m >= 1, got shape {x.shape}")
    if g.shape != x.shape:
        raise ValueError(f"dy must have the shape of x {x.shape}, got {g.shape}")
    gam = _as_float_array(gamma, "gamma")
    if gam.ndim != 0 and (x.ndim != 2 or gam.shape != x.shape[1:]):
        raise ValueError(f"gamma must be a scalar or have shape {x.shape[1:]}, "
                         f"got shape {gam.shape}")
    eps = _check_eps(eps)
    m = x.shape[0]
    mu = x.mean(axis=0)
    centred = x - mu
    var = (centred ** 2).mean(axis=0)
    if np.any(var + eps == 0.0):
        raise ValueError("the batch has zero variance and eps = 0: use eps > 0")
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = centred * inv_std
    dxhat = gam * g
    dvar = -0.5 * (dxhat * centred).sum(axis=0) * inv_std ** 3
    dmu = -dxhat.sum(axis=0) * inv_std
    dx = dxhat * inv_std + dvar * 2.0 * centred / m + dmu / m
    return {"dx": dx, "dgamma": (g * xhat).sum(axis=0), "dbeta": g.sum(axis=0),
            "dxhat": dxhat, "dvar": dvar, "dmu": dmu}
