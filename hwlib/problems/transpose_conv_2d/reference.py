"""Reference: 2D transpose convolution (stride, padding)."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"x": [[-1, 2], [3, 1]], "w": [[1, -1], [0, 1]], "stride": 1, "padding": 0}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"stride": 1}
LIMITS = {"stride": 100, "padding": 100}


def sample(rng):
    h, w = (int(v) for v in rng.integers(1, 4, 2))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    stride = int(rng.integers(1, 3))
    # padding crops from both sides: keep at least one row and one column of output
    longest = min((h - 1) * stride + kh, (w - 1) * stride + kw)
    padding = int(rng.integers(0, min(kh, kw, (longest + 1) // 2)))
    return {"x": rng.integers(-3, 4, (h, w)).tolist(), "w": rng.integers(-2, 3, (kh, kw)).tolist(),
            "stride": stride, "padding": padding}


def solve(x, w, stride, padding):
    return conv.transpose_conv2d(x, w, stride, padding)
