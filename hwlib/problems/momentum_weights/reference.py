"""Reference: Momentum as a weighted sum of past gradients."""
from hwlib import optim

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"t": 4, "beta": 0.9}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
LIMITS = {"t": 10 ** 4}


def sample(rng):
    return {"t": int(rng.integers(0, 10)), "beta": float(rng.choice([0.5, 0.8, 0.9, 0.99]))}


def solve(t, beta):
    return {"weights": optim.momentum_weights(t, beta), "formula": "(1 - beta)*beta**k"}
