"""Reference: Axes that batch norm and layer norm reduce over (NCHW)."""
from __future__ import annotations

import itertools
import numpy as np
from hwlib import norm

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"layout": "NCHW"}


_LAYOUTS = ["".join(p) for p in itertools.permutations("NCHW")]


def sample(rng: np.random.Generator) -> dict:
    return {"layout": _LAYOUTS[int(rng.integers(len(_LAYOUTS)))]}


def solve(layout: str) -> dict:
    """Letters and integer axes that each normalization averages over."""
    return {
        "batch_norm": list(norm.norm_axes_letters("batch", layout)),
        "layer_norm": list(norm.norm_axes_letters("layer", layout)),
        "batch_norm_axes": list(norm.norm_axes("batch", layout)),
        "layer_norm_axes": list(norm.norm_axes("layer", layout)),
    }
