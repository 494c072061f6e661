"""Reference: Shift equivariance of convolution (circular, discrete)."""
import numpy as np
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"f": [1, 2, 0, -1, 3, 0, 0, 0], "h": [1, -1, 2, 0, 0, 0, 0, 0], "a": 3}


def sample(rng):
    n = int(rng.integers(5, 12))
    return {"f": rng.integers(-3, 4, n).tolist(), "h": rng.integers(-3, 4, n).tolist(),
            "a": int(rng.integers(1, n))}


def solve(f, h, a):
    lhs = conv.circular_convolve(conv.shift(f, a), h)
    rhs = conv.shift(conv.circular_convolve(f, h), a)
    return {"conv_of_shifted": lhs, "shifted_conv": rhs,
            "max_abs_difference": float(np.max(np.abs(lhs - rhs)))}
