"""Reference: Standard vs depthwise-separable convolution parameters (no bias)."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"c_in": 3, "c_out": 4, "kernel_size": 3}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"c_in": 1, "c_out": 1, "kernel_size": 1}


def sample(rng):
    return {"c_in": int(rng.integers(1, 17)), "c_out": int(rng.integers(1, 33)),
            "kernel_size": int(rng.choice([3, 5, 7]))}


def solve(c_in, c_out, kernel_size):
    return params.depthwise_separable_params(c_in, c_out, kernel_size, bias=False)
