"""Reference: Gradient of mean-only batch norm."""
from __future__ import annotations

import numpy as np
from hwlib import norm

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"dy": [0.5, -1.0, 2.0, 0.25], "gamma": 1.5}


def sample(rng: np.random.Generator) -> dict:
    n = int(rng.integers(1, 9))
    return {"dy": np.round(rng.normal(size=n), 3).tolist(),
            "gamma": round(float(rng.uniform(0.25, 3.0)), 3)}


def solve(dy, gamma) -> dict:
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
