"""Reference: Receptive field of stacked 1D convolutions."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "kernel_sizes": [7, 7, 7],
    "strides": [1, 1, 1],
    "dilations": [0, 0, 0],
    "convention": "zeros",
}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"kernel_sizes": 1, "strides": 1}


def sample(rng):
    layers = int(rng.integers(1, 5))
    return {"kernel_sizes": rng.integers(1, 8, layers).tolist(),
            "strides": rng.integers(1, 3, layers).tolist(),
            "dilations": rng.integers(0, 3, layers).tolist(), "convention": "zeros"}


def variant(rng):
    """One student's stack (hwlib.course.params_for): two to four layers, so that the
    statement's "N convolutions ... are stacked" reads right; kernels of at least 2."""
    layers = int(rng.integers(2, 5))
    return {"kernel_sizes": rng.integers(2, 8, layers).tolist(),
            "strides": rng.integers(1, 3, layers).tolist(),
            "dilations": rng.integers(0, 3, layers).tolist(), "convention": "zeros"}


def solve(kernel_sizes, strides, dilations, convention):
    if not len(kernel_sizes) == len(strides) == len(dilations):
        raise ValueError(f"kernel_sizes, strides, dilations: should have one entry per layer, got "
                         f"{len(kernel_sizes)}, {len(strides)} and {len(dilations)} entries")
    return conv.receptive_field(kernel_sizes, strides, dilations, convention)
