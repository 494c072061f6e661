"""Tests for hwlib.norm and the hw2.q3 / hw2.q4 registry entries.

Oracles: torch.nn normalization modules and torch autograd in float64, plain
numpy central differences, and an analytic bound for the large-batch limit.
"""
import itertools

import numpy as np
import pytest
import torch

from hwlib import norm, registry

ATOL = 1e-10          # float64 agreement between two exact computations
FD_ATOL = 1e-6        # central differences (step FD_STEP) versus exact gradients
FD_STEP = 1e-5
EPS = 1e-5


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def _torch_bn2d(x, gamma, beta, eps=EPS):
    bn = torch.nn.BatchNorm2d(x.shape[1], eps=eps, dtype=torch.float64).train()
    with torch.no_grad():
        bn.weight.copy_(_t(gamma))
        bn.bias.copy_(_t(beta))
        return bn(_t(x)).numpy()


def _reduce_normalize(x, axes, eps=EPS):
    """Test-side normalization over a given axis subset (gamma = 1, beta = 0)."""
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _axes_matching(x, reference):
    """Every non-empty axis subset whose normalization reproduces ``reference``."""
    subsets = [s for r in range(1, x.ndim + 1) for s in itertools.combinations(range(x.ndim), r)]
    return [s for s in subsets if np.allclose(_reduce_normalize(x, s), reference, atol=1e-8)]


def test_batch_norm_matches_torch_batchnorm2d():
    """Does batch_norm on NCHW input match torch.nn.BatchNorm2d in training mode?"""
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(4, 3, 5, 6))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(norm.batch_norm(x, gamma, beta), _torch_bn2d(x, gamma, beta),
                               atol=ATOL)


def test_batch_norm_axes_are_the_only_ones_torch_agrees_with():
    """Is (0, 2, 3) = N, H, W the one axis subset that reproduces torch's BatchNorm2d?"""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4, 5, 2)) * rng.uniform(0.5, 3, size=(1, 4, 1, 1))
    reference = _torch_bn2d(x, np.ones(4), np.zeros(4))
    assert _axes_matching(x, reference) == [norm.norm_axes("batch")]
    assert norm.norm_axes("batch") == (0, 2, 3)
    assert norm.norm_axes_letters("batch") == ("N", "H", "W")


def test_layer_norm_matches_torch_layernorm():
    """Does layer_norm match torch.nn.LayerNorm((C, H, W)) with random affine weights?"""
    rng = np.random.default_rng(2)
    x = rng.normal(1.0, 2.0, size=(3, 4, 5, 6))
    gamma, beta = rng.normal(size=(4, 5, 6)), rng.normal(size=(4, 5, 6))
    ln = torch.nn.LayerNorm((4, 5, 6), eps=EPS, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.copy_(_t(gamma))
        ln.bias.copy_(_t(beta))
        expected = ln(_t(x)).numpy()
    np.testing.assert_allclose(norm.layer_norm(x, gamma, beta), expected, atol=ATOL)


def test_layer_norm_axes_are_the_only_ones_torch_agrees_with():
    """Is (1, 2, 3) = C, H, W the one axis subset that reproduces torch's LayerNorm?"""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4, 5, 2)) * rng.uniform(0.5, 3, size=(3, 1, 1, 1))
    with torch.no_grad():
        reference = torch.nn.LayerNorm((4, 5, 2), eps=EPS, elementwise_affine=False,
                                       dtype=torch.float64)(_t(x)).numpy()
    assert _axes_matching(x, reference) == [norm.norm_axes("layer")]
    assert norm.norm_axes("layer") == (1, 2, 3)
    assert norm.norm_axes_letters("layer") == ("C", "H", "W")


def test_instance_norm_axes_match_torch_instancenorm2d():
    """Does normalizing over norm_axes('instance') match torch.nn.InstanceNorm2d?"""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 4, 5))
    with torch.no_grad():
        expected = torch.nn.InstanceNorm2d(3, eps=EPS, dtype=torch.float64)(_t(x)).numpy()
    axes = norm.norm_axes("instance")
    assert axes == (2, 3)
    np.testing.assert_allclose(norm.batch_norm(x, 1.0, 0.0, axes=axes), expected, atol=ATOL)


def test_norm_axes_follow_an_nhwc_layout():
    """In NHWC, do the axes norm_axes gives reproduce torch's BatchNorm2d and LayerNorm?"""
    rng = np.random.default_rng(5)
    x_nchw = rng.normal(size=(3, 4, 5, 6))
    x_nhwc = x_nchw.transpose(0, 2, 3, 1)
    bn_axes = norm.norm_axes("batch", "NHWC")
    ours = norm.batch_norm(x_nhwc, 1.0, 0.0, axes=bn_axes).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(ours, _torch_bn2d(x_nchw, np.ones(4), np.zeros(4)), atol=ATOL)
    assert norm.norm_axes_letters("batch", "NHWC") == ("N", "H", "W")
    assert norm.norm_axes_letters("layer", "NHWC") == ("H", "W", "C")
    ln_ours = norm.batch_norm(x_nhwc, 1.0, 0.0, axes=norm.norm_axes("layer", "NHWC"))
    with torch.no_grad():
        ln_torch = torch.nn.LayerNorm((4, 5, 6), eps=EPS, elementwise_affine=False,
                                      dtype=torch.float64)(_t(x_nchw)).numpy()
    np.testing.assert_allclose(ln_ours.transpose(0, 3, 1, 2), ln_torch, atol=ATOL)


def test_batch_norm_on_features_matches_torch_batchnorm1d():
    """Does batch_norm on (N, D) features match torch.nn.BatchNorm1d in training mode?"""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(7, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    bn = torch.nn.BatchNorm1d(3, eps=EPS, dtype=torch.float64).train()
    with torch.no_grad():
        bn.weight.copy_(_t(gamma))
        bn.bias.copy_(_t(beta))
        expected = bn(_t(x)).numpy()
    np.testing.assert_allclose(norm.batch_norm(x, gamma, beta), expected, atol=ATOL)


def _torch_meanonly_grad(x, dy, gamma, beta=0.3):
    xt = _t(x).requires_grad_(True)
    y = gamma * (xt - xt.mean()) + beta
    y.backward(_t(dy))
    return xt.grad.numpy()


def test_meanonly_backward_matches_torch_autograd():
    """Does meanonly_bn_backward equal torch autograd's dL/dx for batches of 1 to 9?"""
    rng = np.random.default_rng(7)
    for n in range(1, 10):
        x, dy, gamma = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        np.testing.assert_allclose(norm.meanonly_bn_backward(dy, gamma),
                                   _torch_meanonly_grad(x, dy, gamma), atol=ATOL)


def test_meanonly_backward_matches_central_differences():
    """Does meanonly_bn_backward equal a central-difference gradient of sum_i g_i y_i?"""
    rng = np.random.default_rng(8)
    n, gamma, beta = 6, -1.7, 0.4
    x, g = rng.normal(size=n), rng.normal(size=n)

    def loss(v):
        return float(g @ (gamma * (v - v.mean()) + beta))

    numeric = np.array([(loss(x + FD_STEP * e) - loss(x - FD_STEP * e)) / (2 * FD_STEP)
                        for e in np.eye(n)])
    np.testing.assert_allclose(norm.meanonly_bn_backward(g, gamma), numeric, atol=FD_ATOL)


def test_meanonly_backward_is_zero_for_a_batch_of_one():
    """With n = 1, is dL/dx_1 exactly 0 whatever the upstream gradient and gamma?"""
    for g, gamma in [(3.7, 1.5), (-2.0, 0.25), (1e6, -4.0)]:
        assert norm.meanonly_bn_backward([g], gamma)[0] == 0.0


def test_meanonly_backward_tends_to_gamma_g_for_large_batches():
    """As n grows, does dL/dx_i approach gamma g_i within the bound |gamma| |mean g|?"""
    gamma = 1.5
    # g_i = cos(i): |sum_{i<n} cos i| <= 1 / sin(1/2), so |mean g| <= 2.09 / n.
    for n in (10, 100, 1000, 10000):
        g = np.cos(np.arange(n))
        gap = np.abs(norm.meanonly_bn_backward(g, gamma) - gamma * g).max()
        assert gap <= gamma * (1 / np.sin(0.5)) / n + ATOL


def _torch_bn_graph(x, dy, gamma, beta, eps=EPS):
    """Manual batch norm in torch keeping the intermediates' gradients."""
    xt = _t(x).requires_grad_(True)
    gt = _t(gamma).requires_grad_(True)
    bt = _t(beta).requires_grad_(True)
    mu = xt.mean(dim=0)
    mu.retain_grad()
    var = ((xt - mu) ** 2).mean(dim=0)
    var.retain_grad()
    xhat = (xt - mu) / torch.sqrt(var + eps)
    xhat.retain_grad()
    (gt * xhat + bt).backward(_t(dy))
    return {"dx": xt.grad, "dgamma": gt.grad, "dbeta": bt.grad, "dxhat": xhat.grad,
            "dvar": var.grad, "dmu": mu.grad}


def test_batchnorm_backward_matches_torch_autograd():
    """Do dx, dgamma, dbeta and the intermediates dxhat, dvar, dmu match torch autograd?"""
    rng = np.random.default_rng(9)
    x = rng.normal(1.0, 2.0, size=(8, 3))
    dy, gamma, beta = rng.normal(size=(8, 3)), rng.normal(size=3), rng.normal(size=3)
    ours = norm.batchnorm_backward(x, dy, gamma, eps=EPS)
    expected = _torch_bn_graph(x, dy, gamma, beta)
    for key, value in expected.items():
        np.testing.assert_allclose(ours[key], value.numpy(), atol=ATOL, err_msg=key)


def test_batchnorm_backward_dx_matches_torch_functional_batch_norm():
    """Does dx agree with autograd through torch.nn.functional.batch_norm (training)?"""
    rng = np.random.default_rng(10)
    x, dy, gamma = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=4)
    xt = _t(x).requires_grad_(True)
    torch.nn.functional.batch_norm(xt, None, None, _t(gamma), _t(np.zeros(4)),
                                   training=True, eps=EPS).backward(_t(dy))
    np.testing.assert_allclose(norm.batchnorm_backward(x, dy, gamma)["dx"], xt.grad.numpy(),
                               atol=ATOL)


def test_batchnorm_backward_on_a_scalar_feature_matches_torch():
    """For x of shape (m,) (one scalar feature), do all gradients match torch autograd?"""
    rng = np.random.default_rng(11)
    for m in (1, 2, 5):
        x, dy = rng.normal(size=m), rng.normal(size=m)
        ours = norm.batchnorm_backward(x, dy, 0.7)
        expected = _torch_bn_graph(x, dy, 0.7, -0.2)
        for key, value in expected.items():
            np.testing.assert_allclose(ours[key], value.numpy(), atol=ATOL, err_msg=key)


def test_batchnorm_backward_matches_central_differences():
    """Does dx equal a central-difference gradient of sum(dy * BN(x)) computed in numpy?"""
    rng = np.random.default_rng(12)
    x, dy, gamma = rng.normal(size=(6, 2)), rng.normal(size=(6, 2)), np.array([1.3, -0.6])

    def loss(v):
        mean = v.mean(axis=0)
        var = ((v - mean) ** 2).mean(axis=0)
        return float((dy * (gamma * (v - mean) / np.sqrt(var + EPS) + 0.5)).sum())

    numeric = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[idx] = FD_STEP
        numeric[idx] = (loss(x + step) - loss(x - step)) / (2 * FD_STEP)
    np.testing.assert_allclose(norm.batchnorm_backward(x, dy, gamma)["dx"], numeric,
                               atol=FD_ATOL)


@pytest.mark.parametrize("call", [
    lambda: norm.norm_axes("group"),
    lambda: norm.norm_axes("batch", layout="NCHX"),
    lambda: norm.batch_norm(np.ones((2, 3, 4, 4)), np.ones(4), np.zeros(3)),
    lambda: norm.batch_norm(np.ones((2, 3)), 1.0, 0.0, eps=-1.0),
    lambda: norm.batch_norm(np.ones((2, 3)), 1.0, 0.0, eps=0.0),
    lambda: norm.layer_norm(np.ones(5), 1.0, 0.0),
    lambda: norm.layer_norm(np.ones((2, 3, 4)), np.ones(3), 0.0),
    lambda: norm.meanonly_bn_backward([], 1.0),
    lambda: norm.batchnorm_backward(np.ones((3, 2)), np.ones((3, 3)), 1.0),
    lambda: norm.batchnorm_backward(np.ones((3, 2)), np.ones((3, 2)), np.ones(3)),
], ids=["group-norm", "bad-layout", "gamma-shape", "negative-eps", "zero-var-zero-eps",
        "layer-norm-1d", "layer-gamma-shape", "empty-batch", "dy-shape", "gamma-shape-backward"])
def test_bad_input_raises_value_error(call):
    """Does each malformed call raise ValueError instead of returning a number?"""
    with pytest.raises(ValueError):
        call()


def test_registry_hw2_q3_gives_the_seed_answer():
    """Does hw2.q3 answer N,H,W for batch norm and C,H,W for layer norm (NCHW)?"""
    answer = registry.get("hw2.q3").solve()
    assert answer["batch_norm"] == ["N", "H", "W"]
    assert answer["layer_norm"] == ["C", "H", "W"]
    assert answer["batch_norm_axes"] == [0, 2, 3]
    assert answer["layer_norm_axes"] == [1, 2, 3]


def test_registry_hw2_q3_sampled_layouts_agree_with_torch():
    """For sampled layouts, does normalizing over the answered axes reproduce torch?"""
    problem = registry.get("hw2.q3")
    rng = np.random.default_rng(13)
    x_nchw = rng.normal(size=(3, 4, 5, 2)) * rng.uniform(0.5, 3, size=(3, 4, 1, 1))
    bn_ref = _torch_bn2d(x_nchw, np.ones(4), np.zeros(4))
    with torch.no_grad():
        ln_ref = torch.nn.LayerNorm((4, 5, 2), eps=EPS, elementwise_affine=False,
                                    dtype=torch.float64)(_t(x_nchw)).numpy()
    for draw in range(6):
        params = problem.sample(np.random.default_rng(draw))
        layout = params["layout"]
        answer = problem.solve(params)
        to_layout = ["NCHW".index(c) for c in layout]
        back = [layout.index(c) for c in "NCHW"]
        x = x_nchw.transpose(to_layout)
        for axes_key, letters_key, ref in (("batch_norm_axes", "batch_norm", bn_ref),
                                           ("layer_norm_axes", "layer_norm", ln_ref)):
            axes = tuple(answer[axes_key])
            assert [layout[a] for a in axes] == answer[letters_key]
            np.testing.assert_allclose(_reduce_normalize(x, axes).transpose(back), ref,
                                       atol=1e-8)


def test_registry_hw2_q4_default_matches_torch_and_seed():
    """Does hw2.q4's default answer match torch autograd, with 0 for a batch of one?"""
    problem = registry.get("hw2.q4")
    answer = problem.solve()
    dy, gamma = problem.defaults["dy"], problem.defaults["gamma"]
    x = np.linspace(-1.0, 2.0, len(dy))
    np.testing.assert_allclose(answer["dx"], _torch_meanonly_grad(x, dy, gamma), atol=ATOL)
    assert answer["n1_value"] == 0.0
    assert answer["formula"] == "gamma*(g_i - mean(g))"


def test_registry_hw2_q4_samples_match_torch():
    """For sampled (dy, gamma), including n = 1, does hw2.q4 match torch autograd?"""
    problem = registry.get("hw2.q4")
    sizes = set()
    for draw in range(25):
        params = problem.sample(np.random.default_rng(draw))
        n = len(params["dy"])
        sizes.add(n)
        x = np.random.default_rng(100 + draw).normal(size=n)
        expected = _torch_meanonly_grad(x, params["dy"], params["gamma"])
        np.testing.assert_allclose(problem.solve(params)["dx"], expected, atol=ATOL)
    assert 1 in sizes and max(sizes) > 4


def test_registry_hw4_q3_default_and_samples_match_torch_autograd():
    """Do hw4.q3's gradients (default and sampled batches) match torch autograd?"""
    problem = registry.get("hw4.q3")
    cases = [problem.defaults] + [problem.sample(np.random.default_rng(s)) for s in range(5)]
    for params in cases:
        answer = problem.solve(params)
        expected = _torch_bn_graph(params["x"], params["dy"], params["gamma"], 0.0,
                                   eps=params["eps"])
        for key, value in expected.items():
            np.testing.assert_allclose(answer[key], value.numpy(), atol=ATOL, err_msg=key)
