"""Reference: Shapes and forward pass of the 10-50-3 ReLU network."""
from __future__ import annotations

import numpy as np
from hwlib import mlp

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "m": 4,
    "seed": 0,
    "output_relu": True,
    "X": None,
    "W_h": None,
    "b_h": None,
    "W_o": None,
    "b_o": None,
}
N_IN, N_HIDDEN, N_OUT = 10, 50, 3

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"m": 1}
LIMITS = {"m": 10 ** 4, "seed": 2 ** 32 - 1}


def sample(rng: np.random.Generator) -> dict:
    return {"m": int(rng.integers(1, 9)), "seed": int(rng.integers(0, 2**31 - 1)),
            "output_relu": True, "X": None, "W_h": None, "b_h": None,
            "W_o": None, "b_o": None}


def solve(m, seed, output_relu, X, W_h, b_h, W_o, b_o) -> dict:
    """Shapes and Y = ReLU(ReLU(X W_h + 1 b_h) W_o + 1 b_o) for a batch of m.

    Any of X, W_h, b_h, W_o, b_o left as None is drawn from ``seed`` (standard
    normal, in that order, weights scaled by sqrt(2 / fan_in)); the answer
    repeats the inputs it used. An explicit X must have m rows.
    """
    shapes = mlp.mlp_shapes(m, N_IN, N_HIDDEN, N_OUT)
    rng = np.random.default_rng(seed)
    # Always draw all five, so an explicit matrix does not shift the others' values.
    drawn = {"X": rng.standard_normal(shapes["X"]),
             "W_h": rng.standard_normal(shapes["W_h"]) * np.sqrt(2.0 / N_IN),
             "b_h": rng.standard_normal(shapes["b_h"]) * 0.1,
             "W_o": rng.standard_normal(shapes["W_o"]) * np.sqrt(2.0 / N_HIDDEN),
             "b_o": rng.standard_normal(shapes["b_o"]) * 0.1}
    given = {"X": X, "W_h": W_h, "b_h": b_h, "W_o": W_o, "b_o": b_o}
    used = {k: drawn[k] if v is None else np.asarray(v, dtype=np.float64)
            for k, v in given.items()}
    if X is not None and used["X"].shape[0] != shapes["X"][0]:
        raise ValueError(f"X has {used['X'].shape[0]} rows but m = {m}; pass m equal "
                         "to the number of rows of X")
    for name in ("X", "W_h", "W_o"):
        if used[name].shape != shapes[name]:
            raise ValueError(f"{name} must have shape {shapes[name]} for the "
                             f"{N_IN}-{N_HIDDEN}-{N_OUT} network, got {used[name].shape}")
    Y = mlp.mlp_forward(used["X"], used["W_h"], used["b_h"], used["W_o"], used["b_o"],
                        output_relu=bool(output_relu))
    return {"shapes": {k: list(v) for k, v in shapes.items()},
            "expression": "Y = ReLU(ReLU(X W_h + 1_m b_h) W_o + 1_m b_o)" if output_relu
            else "Y = ReLU(X W_h + 1_m b_h) W_o + 1_m b_o",
            "Y": Y, "inputs": used}
