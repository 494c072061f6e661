"""Reference: 1D transpose convolution written symbolically."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"inputs": ["a", "b", "c"], "kernel": ["x", "y", "z"], "stride": 2}


def sample(rng):
    n, k = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    return {"inputs": [f"a{i}" for i in range(n)], "kernel": [f"w{j}" for j in range(k)],
            "stride": int(rng.integers(1, 4))}


def solve(inputs, kernel, stride):
    return conv.transpose_conv1d_symbolic(inputs, kernel, stride)
