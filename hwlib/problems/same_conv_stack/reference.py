"""Reference: Three stride-2 SAME 3x3 convolutions on a 3x200x300 image: parameters and maps."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "in_shape": [3, 200, 300],
    "channels": [100, 200, 400],
    "kernel_size": 3,
    "stride": 2,
}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"in_shape": 1, "channels": 1, "kernel_size": 1, "stride": 1}
SHAPES = {"in_shape": (3,)}


def sample(rng):
    return {"in_shape": [3, int(rng.integers(16, 257)), int(rng.integers(16, 257))],
            "channels": sorted(rng.integers(4, 65, 3).tolist()), "kernel_size": 3,
            "stride": int(rng.integers(1, 3))}


def solve(in_shape, channels, kernel_size, stride):
    return params.same_conv_stack(in_shape, channels, kernel_size, stride)
