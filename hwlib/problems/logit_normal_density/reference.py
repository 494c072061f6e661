"""Reference: Density of sigmoid(z) for z ~ N(0,1)."""
from __future__ import annotations

import numpy as np
from hwlib import density

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"x": [0.1, 0.25, 0.5, 0.75, 0.9]}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
SHAPES = {"x": (None,)}
INTERVALS = {"x": (0.0, 1.0)}


def sample(rng: np.random.Generator) -> dict:
    k = int(rng.integers(3, 8))
    return {"x": np.round(np.sort(rng.uniform(0.01, 0.99, size=k)), 4).tolist()}


def solve(x) -> dict:
    """Sympy-derived density expression and its values at the points ``x``."""
    points = np.asarray(x, dtype=np.float64)
    if points.ndim > 1:
        raise ValueError(f"x must be a number or a list of numbers, got shape {points.shape}")
    return {"expr": density.logit_normal_pdf_expr(),
            "values": np.atleast_1d(density.logit_normal_pdf(points))}
