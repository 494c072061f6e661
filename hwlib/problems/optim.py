"""Registry entries: EMA bias correction, momentum, epochs (hw1.p1, hw3.q9, hw3.q10)."""
from .. import optim
from ..registry import register


def _sample_ema(rng):
    n = int(rng.integers(3, 9))
    return {"xs": rng.normal(5.0, 2.0, n).round(3).tolist(),
            "beta": float(rng.choice([0.5, 0.8, 0.9, 0.95, 0.99]))}


@register("hw1.p1", "EMA initialised at zero and its bias correction",
          {"xs": [4.0, 6.0, 5.0, 7.0, 3.0], "beta": 0.9}, sample=_sample_ema)
def ema_bias_correction(xs, beta):
    n = len(xs)
    return {"ema": optim.ema(xs, beta), "debiased": optim.ema_debiased(xs, beta),
            "weights": optim.ema_weights(n, beta),
            "weight_sum": float(optim.ema_weights(n, beta).sum()),
            "bias_factor": 1 - beta ** n}


def _sample_epochs(rng):
    return {"iterations": int(rng.integers(1, 5000)), "dataset_size": int(rng.integers(10, 1000)),
            "batch_size": int(rng.integers(1, 64)), "drop_last": bool(rng.integers(0, 2))}


@register("hw3.q9", "Epochs covered by a number of SGD iterations",
          {"iterations": 1000, "dataset_size": 100, "batch_size": 20, "drop_last": False},
          sample=_sample_epochs)
def epochs(iterations, dataset_size, batch_size, drop_last):
    return optim.epochs_from_iterations(iterations, dataset_size, batch_size, drop_last)


def _sample_momentum(rng):
    return {"t": int(rng.integers(0, 10)), "beta": float(rng.choice([0.5, 0.8, 0.9, 0.99]))}


@register("hw3.q10", "Momentum as a weighted sum of past gradients",
          {"t": 4, "beta": 0.9}, sample=_sample_momentum)
def momentum(t, beta):
    return {"weights": optim.momentum_weights(t, beta), "formula": "(1 - beta)*beta**k"}
