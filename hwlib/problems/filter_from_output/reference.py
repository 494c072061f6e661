"""Reference: Recover a length-3 filter (cross-correlation) from signal and output."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"x": [1, 4, 0, -2, 3], "y": [-2, 2, 11]}


def sample(rng):
    while True:
        n = int(rng.integers(5, 9))
        x = rng.integers(-4, 5, n)
        w = rng.integers(-3, 4, 3)
        y = conv.corr1d(x, w)
        try:
            conv.recover_filter(x, y)
        except ValueError:
            continue
        return {"x": x.tolist(), "y": y.astype(int).tolist()}


def solve(x, y):
    return conv.recover_filter(x, y)
