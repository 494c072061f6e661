"""Tests for hwlib.attention and the hw3.q7 / hw1.p3b registry entries.

Oracles: an einsum-based torch float64 self-attention written here, torch's
scaled_dot_product_attention with scale 1, torch.softmax, index-based
permutations, and the sin/cos angle-addition identities.
"""
import math

import numpy as np
import pytest
import torch

from hwlib import attention, registry

ATOL = 1e-12
BROKEN = 1e-3   # a difference this large is not rounding: equivariance is broken


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def _torch_attention(X, Wq, Wk, Wv, bq, bk, bv):
    """Sa[X] = V softmax_columns(K^T Q) with tokens as columns, via einsum."""
    X = _t(X)
    Q = torch.einsum("ed,dn->en", _t(Wq), X) + _t(bq)[:, None]
    K = torch.einsum("ed,dn->en", _t(Wk), X) + _t(bk)[:, None]
    V = torch.einsum("ed,dn->en", _t(Wv), X) + _t(bv)[:, None]
    scores = torch.einsum("em,en->mn", K, Q)          # (key m, query n)
    weights = torch.softmax(scores, dim=0)             # normalize over keys, per query
    return torch.einsum("em,mn->en", V, weights).numpy()


def _random_layer(rng, D, N, Dk=None, Dv=None):
    Dk, Dv = Dk or D, Dv or D
    return (rng.normal(size=(D, N)), rng.normal(size=(Dk, D)), rng.normal(size=(Dk, D)),
            rng.normal(size=(Dv, D)), rng.normal(size=Dk), rng.normal(size=Dk),
            rng.normal(size=Dv))


def test_softmax_columns_matches_torch_softmax_over_dim_0():
    """Does softmax_columns equal torch.softmax(A, dim=0), with columns summing to 1?"""
    A = np.random.default_rng(0).normal(scale=30.0, size=(5, 7))
    out = attention.softmax_columns(A)
    np.testing.assert_allclose(out, torch.softmax(_t(A), dim=0).numpy(), atol=ATOL)
    np.testing.assert_allclose(out.sum(axis=0), 1.0, atol=ATOL)


def test_self_attention_matches_torch_einsum_for_random_shapes():
    """Does self_attention match an einsum torch implementation, also for D_k, D_v != D?"""
    rng = np.random.default_rng(1)
    for D, N, Dk, Dv in [(4, 5, None, None), (3, 1, 2, 6), (6, 8, 5, 2), (1, 3, 1, 1)]:
        args = _random_layer(rng, D, N, Dk, Dv)
        out = attention.self_attention(*args)
        assert out.shape == ((Dv or D), N)
        np.testing.assert_allclose(out, _torch_attention(*args), atol=ATOL)


def test_self_attention_matches_torch_scaled_dot_product_attention_with_scale_one():
    """Does it equal torch's scaled_dot_product_attention (rows as tokens, scale=1)?"""
    rng = np.random.default_rng(2)
    X, Wq, Wk, Wv, bq, bk, bv = _random_layer(rng, 4, 6)
    Q, K, V = (_t(W @ X + b[:, None]).T[None] for W, b in ((Wq, bq), (Wk, bk), (Wv, bv)))
    expected = torch.nn.functional.scaled_dot_product_attention(Q, K, V, scale=1.0)[0].T
    np.testing.assert_allclose(attention.self_attention(X, Wq, Wk, Wv, bq, bk, bv),
                               expected.numpy(), atol=ATOL)


def test_self_attention_without_biases_uses_zero_biases():
    """Does leaving the biases out equal passing zero bias vectors to the torch oracle?"""
    X, Wq, Wk, Wv, *_ = _random_layer(np.random.default_rng(3), 3, 4)
    zeros = np.zeros(3)
    np.testing.assert_allclose(attention.self_attention(X, Wq, Wk, Wv),
                               _torch_attention(X, Wq, Wk, Wv, zeros, zeros, zeros), atol=ATOL)


def test_permutation_matrix_reorders_columns_as_documented():
    """Is X @ permutation_matrix(perm) equal to X[:, perm], with P^T P = I?"""
    rng = np.random.default_rng(4)
    for N in (1, 2, 5, 9):
        perm = rng.permutation(N)
        P = attention.permutation_matrix(perm.tolist())
        X = rng.normal(size=(3, N))
        np.testing.assert_array_equal(X @ P, X[:, perm])
        np.testing.assert_array_equal(P.T @ P, np.eye(N))


def test_self_attention_is_permutation_equivariant():
    """For random X, weights and permutations, is Sa[XP] = Sa[X] P (torch oracle)?"""
    rng = np.random.default_rng(5)
    for _ in range(20):
        D, N = int(rng.integers(1, 7)), int(rng.integers(1, 9))
        X, *weights = _random_layer(rng, D, N)
        perm = rng.permutation(N)
        P = torch.eye(N, dtype=torch.float64)[:, perm].numpy()  # X P = X[:, perm]
        np.testing.assert_allclose(attention.self_attention(X @ P, *weights),
                                   _torch_attention(X, *weights) @ P, atol=1e-10)


def test_positional_encoding_breaks_equivariance():
    """With PE added after permuting, does Sa[XP + E] differ from Sa[X + E] P by > 1e-3?"""
    rng = np.random.default_rng(6)
    for _ in range(10):
        D, N = 2 * int(rng.integers(1, 5)), int(rng.integers(2, 8))
        X, *weights = _random_layer(rng, D, N)
        perm = rng.permutation(N)
        while np.array_equal(perm, np.arange(N)):
            perm = rng.permutation(N)
        E = attention.sinusoidal_positional_encoding(N, D).T
        gap = np.abs(_torch_attention(X[:, perm] + E, *weights)
                     - _torch_attention(X + E, *weights)[:, perm]).max()
        assert gap > BROKEN


def test_positional_encoding_matches_the_formula():
    """Is PE[pos, 2i] = sin(pos / 10000^(2i/d)) and PE[pos, 2i+1] the cosine, per entry?"""
    n, d = 11, 8
    pe = attention.sinusoidal_positional_encoding(n, d)
    assert pe.shape == (n, d)
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=ATOL)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=ATOL)


def test_positional_encoding_shifts_by_a_fixed_rotation():
    """Is PE(pos + k) = R_k PE(pos) for one block-diagonal rotation R_k for every pos?"""
    n, d = 30, 12
    pe = attention.sinusoidal_positional_encoding(n, d)
    freqs = [1.0 / 10000 ** (2 * i / d) for i in range(d // 2)]
    for k in (1, 3, 7):
        R = np.zeros((d, d))
        for i, w in enumerate(freqs):
            c, s = math.cos(k * w), math.sin(k * w)
            # (sin(a + b), cos(a + b)) = [[c, s], [-s, c]] (sin a, cos a) with b = k w
            R[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]
        np.testing.assert_allclose(pe[k:], pe[:n - k] @ R.T, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: attention.sinusoidal_positional_encoding(4, 5),
    lambda: attention.sinusoidal_positional_encoding(0, 4),
    lambda: attention.sinusoidal_positional_encoding(2.5, 4),
    lambda: attention.permutation_matrix([0, 0, 2]),
    lambda: attention.permutation_matrix([1, 2, 3]),
    lambda: attention.self_attention(np.ones((3, 4)), np.ones((3, 2)), np.ones((3, 3)),
                                     np.ones((3, 3))),
    lambda: attention.self_attention(np.ones((3, 4)), np.ones((2, 3)), np.ones((4, 3)),
                                     np.ones((3, 3))),
    lambda: attention.self_attention(np.ones((3, 4)), np.ones((3, 3)), np.ones((3, 3)),
                                     np.ones((3, 3)), bq=np.ones(2)),
    lambda: attention.softmax_columns(np.ones(3)),
], ids=["odd-d", "no-positions", "fractional-n", "repeated-index", "out-of-range",
        "Wq-shape", "qk-dims", "bias-length", "softmax-1d"])
def test_bad_input_raises_value_error(call):
    """Does each malformed call raise ValueError instead of returning a number?"""
    with pytest.raises(ValueError):
        call()


def _registry_q7_oracle(params):
    """Recompute hw3.q7 with the torch oracle from the documented draw order."""
    D, N = params["D"], params["N"]
    rng = np.random.default_rng(params["seed"])
    X = rng.standard_normal((D, N))
    Wq, Wk, Wv = (rng.standard_normal((D, D)) for _ in range(3))
    bq, bk, bv = (rng.standard_normal(D) for _ in range(3))
    weights = (Wq, Wk, Wv, bq, bk, bv)
    perm = np.asarray(params["perm"])
    E = np.array([[math.sin(p / 10000 ** (2 * (j // 2) / D)) if j % 2 == 0 else
                   math.cos(p / 10000 ** (2 * (j // 2) / D)) for p in range(N)]
                  for j in range(D)])
    plain = np.abs(_torch_attention(X[:, perm], *weights)
                   - _torch_attention(X, *weights)[:, perm]).max()
    with_pe = np.abs(_torch_attention(X[:, perm] + E, *weights)
                     - _torch_attention(X + E, *weights)[:, perm]).max()
    return plain, with_pe


def test_registry_hw3_q7_default_shows_equivariance_and_its_loss():
    """Does hw3.q7 report ~0 without and a large gap with positional encodings (torch)?"""
    problem = registry.get("hw3.q7")
    answer = problem.solve()
    plain, with_pe = _registry_q7_oracle(problem.defaults)
    assert answer["max_abs_diff"] < 1e-10 and plain < 1e-10
    assert answer["equivariant"] is True
    assert answer["max_abs_diff_with_positional_encoding"] == pytest.approx(with_pe, rel=1e-9)
    assert with_pe > BROKEN
    assert answer["equivariant_with_positional_encoding"] is False


def test_registry_hw3_q7_samples_match_torch_oracle():
    """For sampled (D, N, seed, perm), does hw3.q7 agree with the torch recomputation?"""
    problem = registry.get("hw3.q7")
    for draw in range(6):
        params = problem.sample(np.random.default_rng(draw))
        answer = problem.solve(params)
        plain, with_pe = _registry_q7_oracle(params)
        assert answer["max_abs_diff"] < 1e-10 and plain < 1e-10
        assert answer["max_abs_diff_with_positional_encoding"] == pytest.approx(with_pe,
                                                                              rel=1e-9)
        assert answer["equivariant"] and not answer["equivariant_with_positional_encoding"]


def test_registry_hw1_p3b_matches_formula_for_default_and_samples():
    """Does hw1.p3b give the sin/cos table (rows = positions) for the default and samples?"""
    problem = registry.get("hw1.p3b")
    cases = [problem.defaults] + [problem.sample(np.random.default_rng(s)) for s in range(5)]
    for params in cases:
        n, d = params["n_positions"], params["d"]
        assert d % 2 == 0
        pos = torch.arange(n, dtype=torch.float64)[:, None]
        i2 = torch.arange(0, d, 2, dtype=torch.float64)
        expected = torch.zeros(n, d, dtype=torch.float64)
        expected[:, 0::2] = torch.sin(pos / 10000 ** (i2 / d))
        expected[:, 1::2] = torch.cos(pos / 10000 ** (i2 / d))
        np.testing.assert_allclose(problem.solve(params), expected.numpy(), atol=ATOL)
