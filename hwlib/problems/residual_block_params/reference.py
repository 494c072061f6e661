"""Reference: Parameters of a BN-ReLU-conv residual block."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"channels": 512, "kernel_size": 3}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"channels": 1, "kernel_size": 1}


def sample(rng):
    return {"channels": int(rng.choice([16, 32, 64, 128, 256])), "kernel_size": int(rng.choice([1, 3, 5]))}


def solve(channels, kernel_size):
    return params.bn_relu_conv_params(channels, channels, kernel_size)
