"""Reference: Parameters of a bottleneck residual block (1x1 down, 3x3, 1x1 up)."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"c_outer": 512, "c_inner": 128}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"c_outer": 1, "c_inner": 1}


def sample(rng):
    inner = int(rng.choice([16, 32, 64, 128]))
    return {"c_outer": inner * 4, "c_inner": inner}


def solve(c_outer, c_inner):
    return params.bottleneck_params(c_outer, c_inner)
