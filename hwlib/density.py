"""Densities of transformed random variables (change of variables).

The worked case is x = sigmoid(z) = 1 / (1 + exp(-z)) with z ~ N(mu, sigma^2):
x follows the logit-normal distribution on (0, 1), whose density is
p_z(logit x) |d logit(x) / dx| = p_z(logit x) / (x (1 - x)).
"""
from __future__ import annotations

import functools

import numpy as np
import sympy as sp

__all__ = ["logit_normal_pdf", "logit_normal_pdf_expr", "change_of_variables_pdf"]


def logit_normal_pdf(x, mu: float = 0.0, sigma: float = 1.0):
    """Density of sigmoid(z) for z ~ N(mu, sigma^2) (the logit-normal density).

    x: scalar or array of any shape (float64). Inside (0, 1) the value is
    exp(-(logit(x) - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi) x (1 - x)) with
    logit(x) = log(x / (1 - x)); outside (0, 1), and at the end points where
    the density tends to 0, the value is 0. sigma must be > 0.
    Returns a float for scalar x, else an array of x's shape.
    """
    mu, sigma = float(mu), float(sigma)
    if not np.isfinite(mu):
        raise ValueError(f"mu must be finite, got {mu}")
    if not (np.isfinite(sigma) and sigma > 0.0):
        raise ValueError(f"sigma must be a positive finite number, got {sigma}")
    x_arr = np.asarray(x, dtype=np.float64)
    if np.any(np.isnan(x_arr)):
        raise ValueError("x contains NaN")
    inside = (x_arr > 0.0) & (x_arr < 1.0)
    safe = np.where(inside, x_arr, 0.5)  # keeps log() away from 0 and 1
    logit = np.log(safe) - np.log1p(-safe)
    dens = np.exp(-0.5 * ((logit - mu) / sigma) ** 2) / (
        sigma * np.sqrt(2.0 * np.pi) * safe * (1.0 - safe))
    out = np.where(inside, dens, 0.0)
    return float(out) if out.ndim == 0 else out


def change_of_variables_pdf(pz_expr, z, f_inverse_expr, x, domain=None):
    """Density of x = f(z) by change of variables: p_z(f^{-1}(x)) |d f^{-1}(x) / dx|.

    pz_expr: sympy expression for the density of z, in the symbol ``z``.
    f_inverse_expr: sympy expression for f^{-1}(x) in the symbol ``x``
        (f must be one-to-one on the support).
    domain: optional sympy Interval of x on which f^{-1} is strictly monotone;
        when given, the absolute value is resolved (+ for increasing, - for
        decreasing), otherwise it stays as Abs(...) in the result.
    Returns the simplified sympy expression for p_x(x).
    """
    jacobian = sp.diff(f_inverse_expr, x)
    if domain is None:
        abs_jacobian = sp.Abs(jacobian)
    elif sp.is_strictly_increasing(f_inverse_expr, domain, x):
        abs_jacobian = jacobian
    elif sp.is_strictly_decreasing(f_inverse_expr, domain, x):
        abs_jacobian = -jacobian
    else:
        raise ValueError(f"f^-1 = {f_inverse_expr} is not strictly monotone on {domain}, "
                         "so the one-to-one change of variables does not apply")
    return sp.simplify(pz_expr.subs(z, f_inverse_expr) * abs_jacobian)


@functools.lru_cache(maxsize=None)  # sympy expressions are immutable: safe to share
def logit_normal_pdf_expr():
    """Sympy expression (in the symbol x) for the density of sigmoid(z), z ~ N(0, 1).

    Derived, not typed in: sympy inverts x = 1 / (1 + exp(-z)) for z, then
    :func:`change_of_variables_pdf` applies p_z(f^{-1}(x)) |d f^{-1}/dx| on
    the support (0, 1), where f^{-1} is increasing.
    """
    x = sp.Symbol("x")  # no assumptions, so sp.Symbol("x") elsewhere matches it
    z = sp.Symbol("z", real=True)
    pz = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    (f_inverse,) = sp.solve(sp.Eq(x, 1 / (1 + sp.exp(-z))), z)
    return change_of_variables_pdf(pz, z, f_inverse, x, domain=sp.Interval.open(0, 1))
