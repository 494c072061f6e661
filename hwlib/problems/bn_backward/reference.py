"""Reference: Batch-norm backward pass for a scalar feature (biased variance)."""
from __future__ import annotations

import numpy as np
from hwlib import norm

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "x": [1.0, 2.0, 4.0, 7.0],
    "dy": [0.1, -0.3, 0.2, 0.5],
    "gamma": 2.0,
    "eps": 1e-05,
}


def sample(rng: np.random.Generator) -> dict:
    m = int(rng.integers(2, 9))
    return {"x": np.round(rng.normal(0.0, 2.0, size=m), 3).tolist(),
            "dy": np.round(rng.normal(size=m), 3).tolist(),
            "gamma": round(float(rng.uniform(0.25, 3.0)), 3), "eps": 1e-5}


def solve(x, dy, gamma, eps) -> dict:
    """dL/dx, dL/dgamma, dL/dbeta and the intermediates dxhat, dvar, dmu."""
    return norm.batchnorm_backward(x, dy, gamma, eps)
