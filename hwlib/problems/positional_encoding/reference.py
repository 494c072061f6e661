"""Reference: Sinusoidal positional encoding."""
from __future__ import annotations

import numpy as np
from hwlib import attention

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"n_positions": 8, "d": 16}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"n_positions": 1, "d": 1}
LIMITS = {"n_positions": 4096, "d": 4096}


def sample(rng: np.random.Generator) -> dict:
    return {"n_positions": int(rng.integers(1, 21)), "d": 2 * int(rng.integers(1, 17))}


def solve(n_positions, d):
    """PE table (one row per position): sin on even columns, cos on odd ones."""
    return attention.sinusoidal_positional_encoding(n_positions, d)
