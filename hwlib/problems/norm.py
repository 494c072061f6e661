"""Registry entries for normalization layers (homework 2, questions 3 and 4)."""
from __future__ import annotations

import itertools

import numpy as np

from .. import norm
from ..registry import register

_LAYOUTS = ["".join(p) for p in itertools.permutations("NCHW")]


def _sample_layout(rng: np.random.Generator) -> dict:
    return {"layout": _LAYOUTS[int(rng.integers(len(_LAYOUTS)))]}


@register("hw2.q3", "Axes that batch norm and layer norm reduce over (NCHW)",
          defaults={"layout": "NCHW"}, sample=_sample_layout)
def axes_of_batch_and_layer_norm(layout: str) -> dict:
    """Letters and integer axes that each normalization averages over."""
    return {
        "batch_norm": list(norm.norm_axes_letters("batch", layout)),
        "layer_norm": list(norm.norm_axes_letters("layer", layout)),
        "batch_norm_axes": list(norm.norm_axes("batch", layout)),
        "layer_norm_axes": list(norm.norm_axes("layer", layout)),
    }


def _sample_meanonly(rng: np.random.Generator) -> dict:
    n = int(rng.integers(1, 9))
    return {"dy": np.round(rng.normal(size=n), 3).tolist(),
            "gamma": round(float(rng.uniform(0.25, 3.0)), 3)}


@register("hw2.q4", "Gradient of mean-only batch norm",
          defaults={"dy": [0.5, -1.0, 2.0, 0.25], "gamma": 1.5}, sample=_sample_meanonly)
def meanonly_batch_norm_gradient(dy, gamma) -> dict:
    """dL/dx_i = gamma (g_i - mean_j g_j) for y_i = gamma (x_i - mean x) + beta."""
    return {
        "dx": norm.meanonly_bn_backward(dy, gamma),
        "formula": "gamma*(g_i - mean(g))",
        # A batch of one: the de-meaned output is constant, so the gradient is 0.
        "n1_value": float(norm.meanonly_bn_backward(np.asarray(dy)[:1], gamma)[0]) + 0.0,
        # Each other sample's g_j enters with weight gamma/n -> 0, but n of them
        # add up to gamma*mean(g): the limit is gamma*g_i only if mean(g) -> 0.
        "large_n_limit": "gamma*g_i when mean(g) -> 0",
    }


def _sample_bn_backward(rng: np.random.Generator) -> dict:
    m = int(rng.integers(2, 9))
    return {"x": np.round(rng.normal(0.0, 2.0, size=m), 3).tolist(),
            "dy": np.round(rng.normal(size=m), 3).tolist(),
            "gamma": round(float(rng.uniform(0.25, 3.0)), 3), "eps": 1e-5}


@register("hw4.q3", "Batch-norm backward pass for a scalar feature (biased variance)",
          defaults={"x": [1.0, 2.0, 4.0, 7.0], "dy": [0.1, -0.3, 0.2, 0.5],
                    "gamma": 2.0, "eps": 1e-5},
          sample=_sample_bn_backward)
def batch_norm_backward(x, dy, gamma, eps) -> dict:
    """dL/dx, dL/dgamma, dL/dbeta and the intermediates dxhat, dvar, dmu."""
    return norm.batchnorm_backward(x, dy, gamma, eps)
