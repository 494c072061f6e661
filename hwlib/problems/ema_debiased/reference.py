"""Reference: EMA initialised at zero and its bias correction."""
from hwlib import optim

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"xs": [4.0, 6.0, 5.0, 7.0, 3.0], "beta": 0.9}


def sample(rng):
    n = int(rng.integers(3, 9))
    return {"xs": rng.normal(5.0, 2.0, n).round(3).tolist(),
            "beta": float(rng.choice([0.5, 0.8, 0.9, 0.95, 0.99]))}


def solve(xs, beta):
    n = len(xs)
    return {"ema": optim.ema(xs, beta), "debiased": optim.ema_debiased(xs, beta),
            "weights": optim.ema_weights(n, beta),
            "weight_sum": float(optim.ema_weights(n, beta).sum()),
            "bias_factor": 1 - beta ** n}
