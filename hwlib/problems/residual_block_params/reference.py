"""Reference: Parameters of a BN-ReLU-conv residual block."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"channels": 512, "kernel_size": 3}


def sample(rng):
    return {"channels": int(rng.choice([16, 32, 64, 128, 256])), "kernel_size": int(rng.choice([1, 3, 5]))}


def solve(channels, kernel_size):
    return params.bn_relu_conv_params(channels, channels, kernel_size)
