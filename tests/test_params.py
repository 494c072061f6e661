"""hwlib.params against torch modules' own parameter counts, and sympy for the formulas."""
import numpy as np
import pytest
import sympy
import torch
from torch import nn

from hwlib import params
from hwlib.registry import get


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


@pytest.mark.parametrize("c_in,c_out,k,bias,groups", [
    (3, 4, 3, True, 1), (3, 4, 3, False, 1), (6, 9, 5, True, 3), (8, 8, 1, False, 8), (1, 16, 7, True, 1)])
def test_conv_params_match_torch_conv2d(c_in, c_out, k, bias, groups):
    """Does conv_params equal nn.Conv2d's parameter count, grouped or not?"""
    assert params.conv_params(c_in, c_out, k, bias, groups) == count(
        nn.Conv2d(c_in, c_out, k, bias=bias, groups=groups))


@pytest.mark.parametrize("n_in,n_out,bias", [(10, 50, True), (2048, 256, True), (7, 3, False)])
def test_dense_params_match_torch_linear(n_in, n_out, bias):
    """Does dense_params equal nn.Linear's parameter count?"""
    assert params.dense_params(n_in, n_out, bias) == count(nn.Linear(n_in, n_out, bias=bias))


@pytest.mark.parametrize("h,w,c_in,c_out,k", [(4, 5, 2, 3, 3), (6, 6, 1, 2, 5), (3, 2, 3, 1, 1)])
def test_conv_vs_dense_small_sizes(h, w, c_in, c_out, k):
    """For small sizes, do both counts equal torch's Conv2d and Linear(HWC_in, HWC_out)?"""
    got = params.conv_vs_dense_params(h, w, c_in, c_out, k)
    assert got["conv"] == count(nn.Conv2d(c_in, c_out, k))
    assert got["dense"] == count(nn.Linear(h * w * c_in, h * w * c_out))


def test_conv_vs_dense_formulas_agree_with_counts():
    """Do the sympy formulas (k^2 C_in + 1) C_out and (HWC_in + 1) HWC_out evaluate to the counts?"""
    f = params.conv_vs_dense_formulas()
    H, W, C_in, C_out, k = sympy.symbols("H W C_in C_out k", positive=True, integer=True)
    assert sympy.expand(f["conv"] - (k**2 * C_in * C_out + C_out)) == 0
    assert sympy.expand(f["dense"] - (H**2 * W**2 * C_in * C_out + H * W * C_out)) == 0
    vals = {H: 4, W: 5, C_in: 2, C_out: 3, k: 3}
    assert f["dense"].subs(vals) == count(nn.Linear(40, 60))


def test_depthwise_separable_seed_001():
    """Is the seed's 108 vs 27 + 12 = 39 what torch counts for 3->4 channels, 3x3, no bias?"""
    got = get("hw2.q5").solve()
    assert got == {"standard": 108, "depthwise": 27, "pointwise": 12, "separable": 39}
    dw = nn.Conv2d(3, 3, 3, groups=3, bias=False)
    pw = nn.Conv2d(3, 4, 1, bias=False)
    assert got["separable"] == count(nn.Sequential(dw, pw))
    assert got["standard"] == count(nn.Conv2d(3, 4, 3, bias=False))


@pytest.mark.parametrize("seed", range(5))
def test_depthwise_separable_random(seed):
    """On drawn parameters, does hw2.q5 equal torch's counts?"""
    p = get("hw2.q5").sample(seed)
    got = get("hw2.q5").solve(p)
    c_in, c_out, k = p["c_in"], p["c_out"], p["kernel_size"]
    assert got["separable"] == count(nn.Sequential(
        nn.Conv2d(c_in, c_in, k, groups=c_in, bias=False), nn.Conv2d(c_in, c_out, 1, bias=False)))


def test_conv1d_layers_seed_003():
    """Are the weights/biases 36/4 and 200/10 (seed 003 Q3), as nn.Conv1d has them?"""
    got = get("hw3.q3").solve()
    l1, l2 = nn.Conv1d(3, 4, 3), nn.Conv1d(4, 10, 5)
    assert got["layers"] == [{"weights": l1.weight.numel(), "biases": l1.bias.numel()},
                             {"weights": l2.weight.numel(), "biases": l2.bias.numel()}]
    assert got["layers"] == [{"weights": 36, "biases": 4}, {"weights": 200, "biases": 10}]


def test_bn_relu_conv_block_seed_003():
    """Is the BN-ReLU-conv3x3 block with 512 channels 2,360,832 parameters in torch?"""
    block = nn.Sequential(nn.BatchNorm2d(512), nn.ReLU(), nn.Conv2d(512, 512, 3))
    assert get("hw3.q4").solve() == count(block) == 2_360_832


def torch_bottleneck(outer, inner):
    return nn.Sequential(
        nn.BatchNorm2d(outer), nn.ReLU(), nn.Conv2d(outer, inner, 1),
        nn.BatchNorm2d(inner), nn.ReLU(), nn.Conv2d(inner, inner, 3, padding=1),
        nn.BatchNorm2d(inner), nn.ReLU(), nn.Conv2d(inner, outer, 1))


def test_bottleneck_seed_003():
    """Is the 512-128-128-512 bottleneck block 280,832 parameters in torch?"""
    assert get("hw3.q5").solve()["total"] == count(torch_bottleneck(512, 128)) == 280_832


@pytest.mark.parametrize("seed", range(3))
def test_bottleneck_random(seed):
    """On drawn channel counts, does the bottleneck count equal torch's?"""
    p = get("hw3.q5").sample(seed)
    assert get("hw3.q5").solve(p)["total"] == count(torch_bottleneck(p["c_outer"], p["c_inner"]))


@pytest.mark.parametrize("d,n", [(1, 1), (4, 3), (8, 5)])
def test_attention_vs_dense(d, n):
    """Are Q,K,V projections 3D^2 + 3D and a sequence-wide dense layer D^2N^2 + DN in torch?"""
    qkv = nn.ModuleList([nn.Linear(d, d) for _ in range(3)])
    assert params.self_attention_params(d)["total"] == count(qkv) == 3 * d * d + 3 * d
    assert params.dense_sequence_params(d, n)["total"] == count(nn.Linear(d * n, d * n))
    mha = nn.MultiheadAttention(d, 1, bias=True)  # in_proj holds exactly W_q, W_k, W_v and biases
    assert mha.in_proj_weight.numel() + mha.in_proj_bias.numel() == params.self_attention_params(d)["total"]


def seed_cnn(bn: bool):
    """The seed 000 network, built from its printed module list."""
    layers, c = [], 3
    for c_out in (32, 64, 128, 256, 512):
        layers += [nn.Conv2d(c, c_out, 3, padding=1, bias=not bn)]
        layers += [nn.BatchNorm2d(c_out)] if bn else []
        layers += [nn.ReLU(), nn.Dropout2d(0.2), nn.MaxPool2d(2)]
        c = c_out
    layers += [nn.Flatten(), nn.Linear(2048, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10)]
    return nn.Sequential(*layers)


def test_eurosat_cnn_totals_seed_000():
    """Is the seed CNN 2,095,690 parameters without BN and 2,096,682 with (torch count)?"""
    got = get("hw1.p4").solve()
    assert got["total"] == count(seed_cnn(False)) == 2_095_690
    assert got["total_bn"] == count(seed_cnn(True)) == 2_096_682


def test_eurosat_cnn_layer_sizes_match_forward_pass():
    """Do the tabled output sizes match the shapes of a torch forward pass, layer by layer?"""
    rows = get("hw1.p4").solve()["layers"]
    model = seed_cnn(False).eval()
    x = torch.zeros(1, 3, 64, 64)
    shapes = [[3, 64, 64]]
    for m in model:
        x = m(x)
        if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.Flatten, nn.Linear)):
            shapes.append(list(x.shape[1:]))
    assert [r["output"] for r in rows] == shapes
    assert rows[-4]["output"] == [512, 2, 2] and rows[-1]["output"] == [10]


def test_same_conv_stack_seed_004():
    """Three SAME stride-2 3x3 convs on 3x200x300: 903,400 parameters and maps 100x150, 50x75, 25x38?"""
    got = get("hw4.q2").solve()
    assert got["total"] == 903_400
    assert [layer["params"] for layer in got["layers"]] == [2_800, 180_200, 720_400]
    # torch oracle: padding=1 with stride 2 on a 3x3 kernel reproduces SAME's ceil(n/2) sizes
    net = nn.Sequential(nn.Conv2d(3, 100, 3, 2, 1), nn.Conv2d(100, 200, 3, 2, 1), nn.Conv2d(200, 400, 3, 2, 1))
    assert count(net) == got["total"]
    x = torch.zeros(1, 3, 200, 300)
    for layer, row in zip(net, got["layers"]):
        x = layer(x)
        assert list(x.shape[1:]) == row["output"]


def test_lenet5_count():
    """Is the course LeNet-5 61,706 parameters, as a torch build of it counts?"""
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    assert get("hw4.q4").solve()["total"] == count(net) == 61_706
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


@pytest.mark.parametrize("call,msg", [
    (lambda: params.conv_params(0, 3, 3), "c_in"),
    (lambda: params.conv_params(4, 6, 3, groups=4), "groups"),
    (lambda: params.dense_params(-1, 3), "n_in"),
    (lambda: params.same_conv_stack((3, 200), (8, 16)), r"\(C, H, W\)"),
    (lambda: params.bn_params(0), "channels"),
])
def test_bad_input_raises(call, msg):
    """Does a bad size raise ValueError naming it?"""
    with pytest.raises(ValueError, match=msg):
        call()
