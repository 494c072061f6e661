"""Optimisation: exponential moving averages, momentum, epochs.

Conventions: the EMA starts at mu_0 = 0 and updates
``mu_n = beta * mu_{n-1} + (1 - beta) * x_n`` with 0 < beta < 1; sequences are
1-based in the formulas (x_1 is the first observation) and 0-based in arrays.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def _check_beta(beta: float) -> float:
    beta = float(beta)
    if not 0.0 < beta < 1.0:
        raise ValueError(f"beta must lie strictly between 0 and 1, got {beta}")
    return beta


def _as_sequence(xs, name: str = "xs") -> np.ndarray:
    xs = np.asarray(xs, dtype=float)
    if xs.ndim == 0 or xs.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty sequence, got shape {xs.shape}")
    return xs


def ema(xs, beta: float) -> np.ndarray:
    """Exponential moving average initialised at zero (biased).

    xs: observations x_1..x_n, shape (n,) or (n, ...). Returns mu_1..mu_n,
    same shape, with mu_0 = 0 and mu_t = beta mu_{t-1} + (1 - beta) x_t.
    """
    beta = _check_beta(beta)
    xs = _as_sequence(xs)
    out = np.empty_like(xs)
    mu = np.zeros_like(xs[0])
    for t, x in enumerate(xs):
        mu = beta * mu + (1.0 - beta) * x
        out[t] = mu
    return out


def ema_debiased(xs, beta: float) -> np.ndarray:
    """Bias-corrected exponential moving average mu_t / (1 - beta^t).

    xs: observations x_1..x_n, shape (n,) or (n, ...). Returns the corrected
    averages for t = 1..n (the first one equals x_1 exactly).
    """
    mus = ema(xs, beta)
    t = np.arange(1, len(mus) + 1, dtype=float).reshape((-1,) + (1,) * (mus.ndim - 1))
    return mus / (1.0 - beta ** t)


def ema_weights(n: int, beta: float) -> np.ndarray:
    """Weights of x_1..x_n in mu_n of a zero-initialised EMA: (1 - beta) beta^(n-i).

    They sum to 1 - beta^n, which is why mu_n is biased towards zero.
    """
    beta = _check_beta(beta)
    n = _check_count(n, "n", minimum=1)
    i = np.arange(1, n + 1)
    return (1.0 - beta) * beta ** (n - i)


def ema_expectation(mean: float, beta: float, n: int) -> float:
    """E[mu_n] = mean (1 - beta^n) for i.i.d. observations with the given mean."""
    beta = _check_beta(beta)
    n = _check_count(n, "n", minimum=1)
    return float(mean) * (1.0 - beta ** n)


def momentum_weights(t: int, beta: float) -> np.ndarray:
    """Weights of the gradients g_t, g_{t-1}, ..., g_0 in m_{t+1} (m_0 = 0).

    With m_{t+1} = beta m_t + (1 - beta) g_t the weight of g_{t-k} is
    (1 - beta) beta^k, k = 0..t (most recent gradient first).
    """
    beta = _check_beta(beta)
    t = _check_count(t, "t", minimum=0)
    return (1.0 - beta) * beta ** np.arange(t + 1)


def epochs_from_iterations(iterations: int, dataset_size: int, batch_size: int,
                           drop_last: bool = False):
    """Number of epochs covered by a number of SGD iterations.

    One epoch is one pass over the data: ceil(N / B) batches when the last,
    smaller batch is kept (``drop_last=False``, PyTorch's default) and
    floor(N / B) when it is dropped. Returns an int when the count is whole and
    a float otherwise (e.g. 10 iterations of 3 batches per epoch = 3.333...).
    """
    if not isinstance(drop_last, (bool, np.bool_)):
        raise ValueError(f"drop_last must be True or False, got {drop_last!r}")
    iterations = _check_count(iterations, "iterations", minimum=0)
    n = _check_count(dataset_size, "dataset_size", minimum=1)
    b = _check_count(batch_size, "batch_size", minimum=1)
    per_epoch = n // b if drop_last else math.ceil(n / b)
    if per_epoch == 0:
        raise ValueError(
            f"batch_size {b} exceeds dataset_size {n} with drop_last=True: no full batch exists")
    epochs = Fraction(iterations, per_epoch)
    return int(epochs) if epochs.denominator == 1 else float(epochs)


def _check_count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or int(value) != value:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value
