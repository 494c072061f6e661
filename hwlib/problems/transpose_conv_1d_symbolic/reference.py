"""Reference: 1D transpose convolution written symbolically."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"inputs": ["a", "b", "c"], "kernel": ["x", "y", "z"], "stride": 2}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"stride": 1}
LIMITS = {"stride": 100}
SHAPES = {"inputs": (None,), "kernel": (None,)}


def sample(rng):
    n, k = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    return {"inputs": [f"a{i}" for i in range(n)], "kernel": [f"w{j}" for j in range(k)],
            "stride": int(rng.integers(1, 4))}


def solve(inputs, kernel, stride):
    for name, names in (("inputs", inputs), ("kernel", kernel)):
        bad = [n for n in names if not (n.isidentifier() and n.isascii())]
        if bad:
            raise ValueError(f"{name}: every entry should be a symbol name such as a or w0, got {bad[0]!r}")
    return conv.transpose_conv1d_symbolic(inputs, kernel, stride)
