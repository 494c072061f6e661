"""Tests for hwlib.density and the hw3.q8 registry entry.

Oracles: scipy quadrature, a Kolmogorov-Smirnov test against samples of
sigmoid(z), scipy.stats densities, and the seed's hand-derived formula.
"""
import numpy as np
import pytest
import sympy as sp
from scipy import integrate, special, stats

from hwlib import density, registry

QUAD_ATOL = 1e-8       # quadrature of a smooth density over (0, 1)
RTOL = 1e-12           # two float64 evaluations of the same closed form
KS_ALPHA = 0.01        # a correct density must not be rejected at this level
KS_SAMPLES = 20000
PARAMS = [(0.0, 1.0), (0.7, 0.5), (-1.2, 2.0)]


def _grid_cdf(pdf):
    """CDF on (0, 1) from integrating ``pdf`` on a fine grid (trapezoid rule)."""
    grid = np.linspace(0.0, 1.0, 20001)
    cdf = integrate.cumulative_trapezoid(pdf(grid), grid, initial=0.0)
    return lambda t: np.interp(t, grid, cdf)


@pytest.mark.parametrize("mu,sigma", PARAMS)
def test_density_integrates_to_one(mu, sigma):
    """Does scipy.integrate.quad of the density over (0, 1) give 1?"""
    total, _ = integrate.quad(lambda t: density.logit_normal_pdf(t, mu, sigma), 0.0, 1.0,
                              limit=200)
    assert total == pytest.approx(1.0, abs=QUAD_ATOL)


@pytest.mark.parametrize("mu,sigma", PARAMS)
def test_samples_of_sigmoid_z_pass_ks_test_against_integrated_density(mu, sigma):
    """Are seeded samples sigmoid(z), z ~ N(mu, sigma^2), consistent with the density's CDF?"""
    x = special.expit(np.random.default_rng(0).normal(mu, sigma, size=KS_SAMPLES))
    cdf = _grid_cdf(lambda t: density.logit_normal_pdf(t, mu, sigma))
    assert stats.kstest(x, cdf).pvalue > KS_ALPHA


def test_ks_test_has_power_against_a_wrong_density():
    """Does the same KS check reject the density of N(0.2, 1) for samples of N(0, 1)?"""
    x = special.expit(np.random.default_rng(0).normal(0.0, 1.0, size=KS_SAMPLES))
    cdf = _grid_cdf(lambda t: density.logit_normal_pdf(t, 0.2, 1.0))
    assert stats.kstest(x, cdf).pvalue < 1e-6


@pytest.mark.parametrize("mu,sigma", PARAMS)
def test_density_matches_scipy_normal_pdf_of_logit(mu, sigma):
    """Does the density equal norm.pdf(logit x; mu, sigma) / (x (1 - x)) on (0, 1)?"""
    x = np.linspace(1e-4, 1 - 1e-4, 999)
    expected = stats.norm.pdf(special.logit(x), mu, sigma) / (x * (1 - x))
    np.testing.assert_allclose(density.logit_normal_pdf(x, mu, sigma), expected, rtol=1e-10)


def test_density_is_zero_outside_the_open_unit_interval():
    """Is the density 0 at and beyond the end points 0 and 1 (and a float for scalars)?"""
    values = density.logit_normal_pdf([-3.0, -1e-9, 0.0, 1.0, 1.0 + 1e-9, 7.0])
    assert np.all(values == 0.0)
    assert isinstance(density.logit_normal_pdf(0.5), float)


def test_sympy_expression_agrees_with_numeric_density():
    """Does lambdify(logit_normal_pdf_expr()) agree with logit_normal_pdf on (0, 1)?"""
    expr = density.logit_normal_pdf_expr()
    assert expr.free_symbols == {sp.Symbol("x")}
    f = sp.lambdify(sp.Symbol("x"), expr, "numpy")
    x = np.linspace(0.001, 0.999, 501)
    np.testing.assert_allclose(f(x), density.logit_normal_pdf(x), rtol=1e-10)


def test_sympy_expression_equals_the_seed_formula():
    """Is the derived expression the seed's exp(-(ln x - ln(1-x))^2/2) / (sqrt(2 pi) x (1-x))?"""
    x = sp.Symbol("x")
    seed = sp.exp(-(sp.log(x) - sp.log(1 - x)) ** 2 / 2) / (sp.sqrt(2 * sp.pi) * x * (1 - x))
    derived = density.logit_normal_pdf_expr()
    for point in (sp.Rational(1, 10), sp.Rational(1, 3), sp.Rational(1, 2), sp.Rational(9, 10)):
        assert float(sp.N(derived.subs(x, point) - seed.subs(x, point), 30)) == pytest.approx(
            0.0, abs=1e-25)


def test_change_of_variables_gives_lognormal_for_exp():
    """For x = exp(z), z ~ N(0, 1), does the helper reproduce scipy's lognormal density?"""
    x, z = sp.Symbol("x", positive=True), sp.Symbol("z", real=True)
    pz = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    expr = density.change_of_variables_pdf(pz, z, sp.log(x), x, domain=sp.Interval.open(0, sp.oo))
    points = np.array([0.05, 0.3, 1.0, 2.5, 8.0])
    values = sp.lambdify(x, expr, "numpy")(points)
    np.testing.assert_allclose(values, stats.lognorm(s=1.0).pdf(points), rtol=RTOL)


def test_change_of_variables_handles_a_decreasing_map():
    """For x = exp(-z), a decreasing map, is the density still the lognormal (positive)?"""
    x, z = sp.Symbol("x", positive=True), sp.Symbol("z", real=True)
    pz = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    points = np.array([0.1, 0.7, 1.9, 4.0])
    for domain in (sp.Interval.open(0, sp.oo), None):
        expr = density.change_of_variables_pdf(pz, z, -sp.log(x), x, domain=domain)
        values = np.asarray(sp.lambdify(x, expr, "numpy")(points), dtype=float)
        np.testing.assert_allclose(values, stats.lognorm(s=1.0).pdf(points), rtol=RTOL)


@pytest.mark.parametrize("call", [
    lambda: density.logit_normal_pdf(0.5, sigma=0.0),
    lambda: density.logit_normal_pdf(0.5, sigma=-1.0),
    lambda: density.logit_normal_pdf([0.2, float("nan")]),
    lambda: density.logit_normal_pdf(0.5, mu=float("inf")),
    lambda: density.change_of_variables_pdf(sp.exp(-sp.Symbol("z") ** 2), sp.Symbol("z"),
                                            sp.Symbol("x") ** 2, sp.Symbol("x"),
                                            domain=sp.Interval.open(-1, 1)),
], ids=["sigma-zero", "sigma-negative", "nan-x", "infinite-mu", "non-monotone-map"])
def test_bad_input_raises_value_error(call):
    """Does each malformed call raise ValueError instead of returning a number?"""
    with pytest.raises(ValueError):
        call()


def test_registry_hw3_q8_default_matches_scipy_and_seed():
    """Does hw3.q8 give the seed's expression and norm.pdf(logit x) / (x (1-x)) values?"""
    problem = registry.get("hw3.q8")
    answer = problem.solve()
    x = np.asarray(problem.defaults["x"])
    expected = stats.norm.pdf(special.logit(x)) / (x * (1 - x))
    np.testing.assert_allclose(answer["values"], expected, rtol=1e-10)
    seed = lambda t: np.exp(-(np.log(t) - np.log(1 - t)) ** 2 / 2) / (  # noqa: E731
        np.sqrt(2 * np.pi) * t * (1 - t))
    f = sp.lambdify(sp.Symbol("x"), sp.sympify(answer["expr"]), "numpy")
    np.testing.assert_allclose(f(x), seed(x), rtol=1e-10)


def test_registry_hw3_q8_samples_match_scipy():
    """For sampled points, does hw3.q8 match norm.pdf(logit x) / (x (1 - x))?"""
    problem = registry.get("hw3.q8")
    for draw in range(5):
        params = problem.sample(np.random.default_rng(draw))
        x = np.asarray(params["x"])
        assert np.all((x > 0) & (x < 1))
        expected = stats.norm.pdf(special.logit(x)) / (x * (1 - x))
        np.testing.assert_allclose(problem.solve(params)["values"], expected, rtol=1e-10)
