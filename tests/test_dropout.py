"""Tests for hwlib.dropout and the hw2.q6 registry entry.

Oracles: exact expectations by enumerating every dropout mask (jointly for
tiny problems, row by row otherwise, since rows drop out independently),
Monte Carlo with torch.bernoulli, and torch linear algebra.
"""
import itertools

import numpy as np
import pytest
import torch

from hwlib import dropout, registry

EXACT_RTOL = 1e-12    # enumeration and closed form are both exact
ATOL = 1e-10
MC_SIGMAS = 5.0       # Monte Carlo estimates must land within this many standard errors


def _masks(k):
    """All 2^k binary vectors of length k, as a (2^k, k) float array."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=k)))


def _enumerate_loss_moments(X, y, w, p):
    """Exact mean and variance of ||y - (R * X) w||^2 over every (n, d) mask R."""
    n, d = X.shape
    masks = _masks(n * d).reshape(-1, n, d)
    kept = masks.sum(axis=(1, 2))
    prob = p ** kept * (1 - p) ** (n * d - kept)
    losses = ((y - (masks * X) @ w) ** 2).sum(axis=1)
    mean = float(prob @ losses)
    return mean, float(prob @ (losses - mean) ** 2)


def _rowwise_exact_loss(X, y, w, p):
    """Exact E||y - (R * X) w||^2: a sum over rows of an enumeration over 2^d row masks."""
    X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
    d = X.shape[1]
    masks = _masks(d)
    kept = masks.sum(axis=1)
    prob = p ** kept * (1 - p) ** (d - kept)
    residuals = y[:, None] - (X[:, None, :] * masks[None]) @ w  # (n, 2^d)
    return float(((residuals ** 2) @ prob).sum())


def _torch_ridge_objective(X, y, w, Gamma):
    X, y, w, G = (torch.tensor(np.asarray(a), dtype=torch.float64) for a in (X, y, w, Gamma))
    return float(((y - X @ w) ** 2).sum() + ((G @ w) ** 2).sum())


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_closed_form_equals_exact_enumeration_over_all_masks(p):
    """Does the closed form equal the exact expectation over all 2^6 masks (n=3, d=2)?"""
    rng = np.random.default_rng(int(p * 10))
    X, y, w = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=2)
    exact, _ = _enumerate_loss_moments(X, y, w, p)
    assert dropout.dropout_tikhonov_loss(X, y, w, p) == pytest.approx(exact, rel=EXACT_RTOL,
                                                                        abs=1e-14)


def test_closed_form_equals_row_by_row_enumeration_for_larger_problems():
    """For n=12, d=5, does the closed form equal the exact row-by-row expectation?"""
    rng = np.random.default_rng(1)
    X, y, w = rng.normal(size=(12, 5)), rng.normal(size=12), rng.normal(size=5)
    for p in (0.1, 0.45, 0.9):
        assert dropout.dropout_tikhonov_loss(X, y, w, p) == pytest.approx(
            _rowwise_exact_loss(X, y, w, p), rel=EXACT_RTOL)


def test_column_norm_matrix_is_diagonal_of_column_norms():
    """Is Gamma~ the diagonal matrix of X's column norms (torch.linalg.norm oracle)?"""
    X = np.random.default_rng(2).normal(size=(6, 4))
    norms = torch.linalg.norm(torch.tensor(X), dim=0).numpy()
    np.testing.assert_allclose(dropout.column_norm_matrix(X), np.diag(norms), atol=ATOL)


def test_monte_carlo_matches_exact_expectation_within_standard_errors():
    """Is the Monte Carlo loss within 5 exact standard errors of the enumerated mean?"""
    rng = np.random.default_rng(3)
    X, y, w, p = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=2), 0.6
    mean, var = _enumerate_loss_moments(X, y, w, p)
    samples = 20000
    estimate = dropout.dropout_loss_monte_carlo(X, y, w, p, samples, np.random.default_rng(4))
    assert abs(estimate - mean) <= MC_SIGMAS * np.sqrt(var / samples)


def test_monte_carlo_matches_closed_form_for_larger_problems():
    """For n=20, d=6, is the estimate within 5 standard errors (spread from torch sampling)?"""
    rng = np.random.default_rng(5)
    X, y, w, p = rng.normal(size=(20, 6)), rng.normal(size=20), rng.normal(size=6), 0.7
    samples = 20000
    gen = torch.Generator().manual_seed(6)
    masks = torch.bernoulli(torch.full((samples, 20, 6), p, dtype=torch.float64), generator=gen)
    losses = ((torch.tensor(y) - (masks * torch.tensor(X)) @ torch.tensor(w)) ** 2).sum(dim=1)
    std_error = float(losses.std()) / np.sqrt(samples)
    estimate = dropout.dropout_loss_monte_carlo(X, y, w, p, samples, 7)
    assert abs(estimate - _rowwise_exact_loss(X, y, w, p)) <= MC_SIGMAS * std_error


def test_monte_carlo_is_reproducible_from_its_seed():
    """Do two runs with the same integer seed give the same estimate?"""
    X, y, w = np.eye(3), np.ones(3), np.ones(3)
    a = dropout.dropout_loss_monte_carlo(X, y, w, 0.5, 50, 11)
    b = dropout.dropout_loss_monte_carlo(X, y, w, 0.5, 50, 11)
    assert a == b


def test_dropout_objective_equals_generalized_ridge_after_scaling_weights():
    """With w = p w~ and Gamma = sqrt((1-p)/p) Gamma~, is E_R loss(w~) the ridge objective?"""
    rng = np.random.default_rng(8)
    for _ in range(5):
        X, y = rng.normal(size=(7, 3)), rng.normal(size=7)
        w_tilde, p = rng.normal(size=3), float(rng.uniform(0.05, 0.95))
        w = dropout.dropout_to_ridge_weights(w_tilde, p)
        np.testing.assert_allclose(w, p * w_tilde, rtol=EXACT_RTOL)
        ridge = _torch_ridge_objective(X, y, w, dropout.equivalent_gamma(X, p))
        assert ridge == pytest.approx(_rowwise_exact_loss(X, y, w_tilde, p), rel=1e-10)


def test_equivalent_gamma_is_scaled_column_norm_matrix():
    """Is the equivalent Gamma diag(sqrt((1-p)/p) ||X_j||) (torch norms as oracle)?"""
    X, p = np.random.default_rng(9).normal(size=(5, 3)), 0.8
    norms = torch.linalg.norm(torch.tensor(X), dim=0).numpy()
    np.testing.assert_allclose(dropout.equivalent_gamma(X, p), np.diag(0.5 * norms), atol=ATOL)


def test_ridge_change_of_variables_matches_torch_inverse():
    """Is X~ = X Gamma^{-1} (torch.linalg.inv oracle) for a dense invertible Gamma?"""
    rng = np.random.default_rng(10)
    X, Gamma = rng.normal(size=(6, 4)), rng.normal(size=(4, 4)) + 4 * np.eye(4)
    expected = (torch.tensor(X) @ torch.linalg.inv(torch.tensor(Gamma))).numpy()
    np.testing.assert_allclose(dropout.ridge_change_of_variables(X, Gamma), expected,
                               atol=ATOL)


def test_classical_ridge_after_change_of_variables_has_the_same_objective():
    """With w' = Gamma w, does ||y - X~ w'||^2 + ||w'||^2 equal the generalized ridge value?"""
    rng = np.random.default_rng(11)
    X, y, w, p = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3), 0.35
    Gamma = dropout.equivalent_gamma(X, p)
    X_tilde = dropout.ridge_change_of_variables(X, Gamma)
    w_prime = Gamma @ w
    classical = _torch_ridge_objective(X_tilde, y, w_prime, np.eye(3))
    assert classical == pytest.approx(_torch_ridge_objective(X, y, w, Gamma), rel=1e-10)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8, 0.99])
def test_effective_column_norms_all_equal_sqrt_p_over_one_minus_p(p):
    """Are all column norms of X Gamma^{-1} equal to sqrt(p/(1-p)), the seed's answer?"""
    X = np.random.default_rng(12).normal(size=(9, 4)) * np.array([0.1, 1.0, 10.0, 100.0])
    X_tilde = (torch.tensor(X) @ torch.linalg.inv(torch.tensor(dropout.equivalent_gamma(X, p))))
    np.testing.assert_allclose(torch.linalg.norm(X_tilde, dim=0).numpy(),
                               np.sqrt(p / (1 - p)), rtol=1e-12)
    np.testing.assert_allclose(dropout.effective_column_norms(X, p), np.sqrt(p / (1 - p)),
                               rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: dropout.dropout_tikhonov_loss(np.ones((3, 2)), np.ones(3), np.ones(2), 1.5),
    lambda: dropout.dropout_tikhonov_loss(np.ones((3, 2)), np.ones(3), np.ones(2), -0.1),
    lambda: dropout.dropout_tikhonov_loss(np.ones((3, 2)), np.ones(4), np.ones(2), 0.5),
    lambda: dropout.dropout_tikhonov_loss(np.ones((3, 2)), np.ones(3), np.ones(3), 0.5),
    lambda: dropout.dropout_loss_monte_carlo(np.ones((3, 2)), np.ones(3), np.ones(2), 0.5, 0),
    lambda: dropout.equivalent_gamma(np.ones((3, 2)), 1.0),
    lambda: dropout.equivalent_gamma(np.ones((3, 2)), 0.0),
    lambda: dropout.ridge_change_of_variables(np.ones((3, 2)), np.diag([1.0, 0.0])),
    lambda: dropout.ridge_change_of_variables(np.ones((3, 2)), np.eye(3)),
    lambda: dropout.effective_column_norms(np.array([[1.0, 0.0], [2.0, 0.0]]), 0.5),
], ids=["p-above-1", "p-negative", "y-length", "w-length", "zero-samples", "p-1-gamma",
        "p-0-gamma", "singular-gamma", "gamma-shape", "zero-column"])
def test_bad_input_raises_value_error(call):
    """Does each malformed call raise ValueError instead of returning a number?"""
    with pytest.raises(ValueError):
        call()


def test_registry_hw2_q6_default_matches_exact_enumeration():
    """Does hw2.q6's default answer match enumeration of all 2^15 masks and the seed's norms?"""
    problem = registry.get("hw2.q6")
    params, answer = problem.defaults, problem.solve()
    X, y, w, p = (np.asarray(params[k], dtype=float) for k in ("X", "y", "w", "p"))
    exact, _ = _enumerate_loss_moments(X, y, w, float(p))
    assert answer["expected_loss"] == pytest.approx(exact, rel=EXACT_RTOL)
    assert answer["ridge_loss"] == pytest.approx(exact, rel=1e-10)
    # The seed: every column of X~ has norm sqrt(p / (1 - p)) = 2 for p = 0.8.
    np.testing.assert_allclose(answer["effective_column_norms"], 2.0, rtol=1e-12)
    np.testing.assert_allclose(answer["ridge_weights"], 0.8 * w, rtol=EXACT_RTOL)
    np.testing.assert_allclose(answer["gamma_tilde_diag"], np.sqrt((X ** 2).sum(axis=0)),
                               rtol=1e-12)


def test_registry_hw2_q6_samples_match_exact_expectations():
    """For sampled problems, do loss, Gamma, X~ and norms match the row-wise oracles?"""
    problem = registry.get("hw2.q6")
    for draw in range(8):
        params = problem.sample(np.random.default_rng(draw))
        answer = problem.solve(params)
        X, y, w, p = (np.asarray(params[k], dtype=float) for k in ("X", "y", "w", "p"))
        p = float(p)
        assert answer["expected_loss"] == pytest.approx(_rowwise_exact_loss(X, y, w, p),
                                                        rel=1e-10)
        gamma = np.sqrt((1 - p) / p) * torch.linalg.norm(torch.tensor(X), dim=0).numpy()
        np.testing.assert_allclose(answer["equivalent_gamma_diag"], gamma, rtol=1e-12)
        np.testing.assert_allclose(answer["X_tilde"], X / gamma, rtol=1e-12)
        np.testing.assert_allclose(answer["effective_column_norms"], np.sqrt(p / (1 - p)),
                                   rtol=1e-12)
