"""Reference: LeNet-5 for 28x28 inputs: parameters per layer."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"in_size": 28, "classes": 10}


def sample(rng):
    return {"in_size": 28, "classes": int(rng.integers(2, 21))}


def solve(in_size, classes):
    return params.lenet5_layers(in_size, classes)
