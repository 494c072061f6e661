"""Reference: LeNet-5 for 28x28 inputs: parameters per layer."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"in_size": 28, "classes": 10}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"in_size": 16, "classes": 1}   # below 16 the last convolution has no room


def sample(rng):
    return {"in_size": 28, "classes": int(rng.integers(2, 21))}


def solve(in_size, classes):
    return params.lenet5_layers(in_size, classes)
