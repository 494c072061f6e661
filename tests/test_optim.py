"""hwlib.optim against independent oracles: direct recursions, Monte Carlo, torch's Adam."""
import numpy as np
import pytest
import torch

from hwlib import optim
from hwlib.registry import get

ATOL = 1e-12
MC_SIGMAS = 5.0  # Monte Carlo means must lie within this many standard errors


def recursion(xs, beta):
    """The EMA recursion written out, as an oracle."""
    mu, out = 0.0, []
    for x in xs:
        mu = beta * mu + (1 - beta) * x
        out.append(mu)
    return np.array(out)


@pytest.mark.parametrize("seed", range(5))
def test_ema_matches_recursion(seed):
    """Does ema() equal the recursion mu_t = beta mu_{t-1} + (1-beta) x_t from mu_0 = 0?"""
    rng = np.random.default_rng(seed)
    xs, beta = rng.normal(size=12), rng.uniform(0.05, 0.99)
    np.testing.assert_allclose(optim.ema(xs, beta), recursion(xs, beta), atol=ATOL)


@pytest.mark.parametrize("n,beta", [(1, 0.9), (5, 0.5), (40, 0.99)])
def test_ema_weights_sum_to_one_minus_beta_power(n, beta):
    """Do the weights of x_1..x_n in mu_n sum to 1 - beta^n, and reproduce mu_n?"""
    w = optim.ema_weights(n, beta)
    assert w.sum() == pytest.approx(1 - beta ** n, abs=ATOL)
    xs = np.random.default_rng(n).normal(size=n)
    assert w @ xs == pytest.approx(recursion(xs, beta)[-1], abs=ATOL)


def test_constant_sequence_is_debiased_exactly():
    """Is the corrected average of a constant sequence that constant at every step?"""
    np.testing.assert_allclose(optim.ema_debiased(np.full(10, 3.5), 0.9), np.full(10, 3.5), atol=1e-12)


def test_monte_carlo_bias_and_correction():
    """Is E[mu_n] = mu (1 - beta^n) and E[mu_hat_n] = mu, by simulation?"""
    rng = np.random.default_rng(0)
    mean, beta, n, trials = 2.0, 0.9, 6, 200_000
    xs = rng.normal(mean, 1.0, size=(n, trials))
    mu_n = optim.ema(xs, beta)[-1]
    se = mu_n.std() / np.sqrt(trials)
    assert abs(mu_n.mean() - optim.ema_expectation(mean, beta, n)) < MC_SIGMAS * se
    assert abs(optim.ema_debiased(xs, beta)[-1].mean() - mean) < MC_SIGMAS * se / (1 - beta ** n)
    assert optim.ema_expectation(mean, beta, n) == pytest.approx(mean * (1 - beta ** n))


def test_adam_first_moment_is_debiased_ema():
    """Is Adam's bias-corrected first moment m_t / (1 - beta1^t) our debiased EMA (torch oracle)?

    torch keeps the uncorrected m_t in the optimiser state (exp_avg); lr = 0
    keeps the parameter fixed so only the moments evolve.
    """
    beta1 = 0.8
    grads = [0.3, -1.2, 0.7, 2.0, -0.4]
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.0, betas=(beta1, 0.999))
    for t, g in enumerate(grads, start=1):
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
        m = opt.state[p]["exp_avg"].item()
        assert m / (1 - beta1 ** t) == pytest.approx(optim.ema_debiased(grads[:t], beta1)[-1], abs=ATOL)


@pytest.mark.parametrize("t,beta", [(0, 0.9), (6, 0.5), (20, 0.99)])
def test_momentum_weights_match_recursion(t, beta):
    """Are the weights (1-beta) beta^k exactly the coefficients of the momentum recursion?"""
    g = np.random.default_rng(t).normal(size=t + 1)  # g_0..g_t
    m = 0.0
    for gt in g:
        m = beta * m + (1 - beta) * gt
    assert optim.momentum_weights(t, beta) @ g[::-1] == pytest.approx(m, abs=ATOL)


@pytest.mark.parametrize("iters,n,b,drop,expected", [
    (1000, 100, 20, False, 200),   # seed 003 Q9
    (10, 10, 3, False, 2.5),       # 4 batches per epoch (3+3+3+1)
    (10, 10, 3, True, 10 / 3),     # 3 full batches per epoch
    (0, 5, 2, False, 0),
])
def test_epochs_from_iterations(iters, n, b, drop, expected):
    """Do iterations / batches-per-epoch come out right, including a non-divisible data set?"""
    assert optim.epochs_from_iterations(iters, n, b, drop) == pytest.approx(expected)


def test_epochs_brute_force():
    """Does simulating a data loader batch by batch count the same epochs?"""
    rng = np.random.default_rng(1)
    for _ in range(50):
        n, b, drop = int(rng.integers(1, 50)), int(rng.integers(1, 20)), bool(rng.integers(0, 2))
        if drop and b > n:
            continue
        batches = [min(b, n - s) for s in range(0, n, b)]
        if drop:
            batches = [x for x in batches if x == b]
        iters = int(rng.integers(0, 200))
        assert optim.epochs_from_iterations(iters, n, b, drop) == pytest.approx(iters / len(batches))


@pytest.mark.parametrize("call,msg", [
    (lambda: optim.ema([1, 2], 1.0), "beta"),
    (lambda: optim.ema([1, 2], 0.0), "beta"),
    (lambda: optim.ema([], 0.5), "non-empty"),
    (lambda: optim.ema_weights(0, 0.5), "n must be >= 1"),
    (lambda: optim.momentum_weights(-1, 0.5), "t must be >= 0"),
    (lambda: optim.epochs_from_iterations(10, -5, 2), "dataset_size"),
    (lambda: optim.epochs_from_iterations(10, 5, 8, drop_last=True), "no full batch"),
])
def test_bad_input_raises(call, msg):
    """Does bad input raise ValueError naming the problem?"""
    with pytest.raises(ValueError, match=msg):
        call()


def test_registry_seed_figures():
    """Do the registry answers reproduce the seeds: 200 epochs, weights summing to 1 - beta^n?"""
    assert get("hw3.q9").solve() == 200
    ans = get("hw1.p1").solve()
    assert ans["weight_sum"] == pytest.approx(1 - 0.9 ** 5, abs=ATOL)
    assert ans["debiased"][0] == pytest.approx(4.0, abs=ATOL)  # first corrected value is x_1
    assert get("hw3.q10").solve()["weights"][0] == pytest.approx(0.1, abs=ATOL)


@pytest.mark.parametrize("seed", range(5))
def test_registry_samples_agree_with_oracle(seed):
    """On drawn parameters, do the registry answers match the recursions?"""
    p = get("hw1.p1").sample(seed)
    ans = get("hw1.p1").solve(p)
    np.testing.assert_allclose(ans["ema"], recursion(p["xs"], p["beta"]), atol=1e-9)
    q = get("hw3.q10").sample(seed)
    assert len(get("hw3.q10").solve(q)["weights"]) == q["t"] + 1
