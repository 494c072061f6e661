"""Reference: Weights and biases of stacked 1D convolution layers."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"in_channels": 3, "layers": [[3, 4], [5, 10]]}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"in_channels": 1, "layers": 1}
SHAPES = {"layers": (None, 2)}


def sample(rng):
    layers = int(rng.integers(1, 4))
    return {"in_channels": int(rng.integers(1, 9)),
            "layers": [[int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 17))] for _ in range(layers)]}


def solve(in_channels, layers):
    rows, c = [], in_channels
    for kernel_size, c_out in layers:
        rows.append({"weights": params.conv_weights(c, c_out, kernel_size, dims=1), "biases": c_out})
        c = c_out
    return {"layers": rows, "total": sum(r["weights"] + r["biases"] for r in rows)}
