"""Registry entry for the density of sigmoid(z), z ~ N(0, 1) (homework 3, question 8)."""
from __future__ import annotations

import numpy as np

from .. import density
from ..registry import register


def _sample(rng: np.random.Generator) -> dict:
    k = int(rng.integers(3, 8))
    return {"x": np.round(np.sort(rng.uniform(0.01, 0.99, size=k)), 4).tolist()}


@register("hw3.q8", "Density of sigmoid(z) for z ~ N(0,1)",
          defaults={"x": [0.1, 0.25, 0.5, 0.75, 0.9]}, sample=_sample)
def sigmoid_of_normal_density(x) -> dict:
    """Sympy-derived density expression and its values at the points ``x``."""
    points = np.asarray(x, dtype=np.float64)
    if points.ndim > 1:
        raise ValueError(f"x must be a number or a list of numbers, got shape {points.shape}")
    return {"expr": density.logit_normal_pdf_expr(),
            "values": np.atleast_1d(density.logit_normal_pdf(points))}
