"""Reference: Parameters of a k x k convolution vs a dense layer of the same sizes."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"height": 32, "width": 32, "c_in": 3, "c_out": 16, "kernel_size": 3}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"height": 1, "width": 1, "c_in": 1, "c_out": 1, "kernel_size": 1}


def sample(rng):
    return {"height": int(rng.integers(4, 65)), "width": int(rng.integers(4, 65)),
            "c_in": int(rng.integers(1, 17)), "c_out": int(rng.integers(1, 33)),
            "kernel_size": int(rng.choice([1, 3, 5, 7]))}


def solve(height, width, c_in, c_out, kernel_size):
    counts = params.conv_vs_dense_params(height, width, c_in, c_out, kernel_size)
    formulas = params.conv_vs_dense_formulas()
    return {"conv": counts["conv"], "dense": counts["dense"],
            "conv_formula": formulas["conv"], "dense_formula": formulas["dense"]}
