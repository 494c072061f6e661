"""Reference: Self-attention projections vs a dense layer over the whole sequence."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"d": 64, "n": 10}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"d": 1, "n": 1}


def sample(rng):
    return {"d": int(rng.integers(1, 65)), "n": int(rng.integers(1, 33))}


def solve(d, n):
    return {"attention": params.self_attention_params(d), "dense": params.dense_sequence_params(d, n),
            "attention_formula": "3*D**2 + 3*D", "dense_formula": "D**2*N**2 + D*N"}
