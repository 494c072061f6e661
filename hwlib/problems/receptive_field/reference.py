"""Reference: Receptive field of stacked 1D convolutions."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "kernel_sizes": [7, 7, 7],
    "strides": [1, 1, 1],
    "dilations": [0, 0, 0],
    "convention": "zeros",
}


def sample(rng):
    layers = int(rng.integers(1, 5))
    return {"kernel_sizes": rng.integers(1, 8, layers).tolist(),
            "strides": rng.integers(1, 3, layers).tolist(),
            "dilations": rng.integers(0, 3, layers).tolist(), "convention": "zeros"}


def solve(kernel_sizes, strides, dilations, convention):
    return conv.receptive_field(kernel_sizes, strides, dilations, convention)
