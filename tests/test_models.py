"""Tests for hwlib.models: the seed-000 CNN and LeNet-5 of seed 004.

Oracles are networks written out here layer by layer from the seeds'
printouts (plain torch.nn.Sequential) and the parameter counts the seeds state.
"""
import pytest
import torch
from torch import nn

from hwlib.models import (EuroSATCNN, LeNet5, build_model, count_parameters, fuse_for_inference,
                          layer_output_shapes)

ATOL = 1e-10
SEED_COUNT_NO_BN = 2_095_690  # stated in seed 000
SEED_COUNT_BN = 2_096_682     # stated in seed 000
LENET_COUNT = 61_706          # stated in the issue


def seed_cnn(bn: bool, p: float = 0.05) -> nn.Sequential:
    """The seed-000 network transcribed from its printout, flattened."""
    layers, c_in = [], 3
    for c_out in (32, 64, 128, 256, 512):
        layers.append(nn.Conv2d(c_in, c_out, kernel_size=3, stride=1, padding=1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(c_out))
        layers += [nn.ReLU(), nn.Dropout2d(p), nn.MaxPool2d(2, 2)]
        c_in = c_out
    layers += [nn.Flatten(), nn.Linear(2048, 256), nn.ReLU(), nn.Dropout(p), nn.Linear(256, 10)]
    return nn.Sequential(*layers)


def reference_lenet(bn: bool = False) -> nn.Sequential:
    """LeNet-5 as the issue defines it, BN before each ReLU when asked."""
    def bn_(kind, n):
        return [kind(n)] if bn else []

    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2, bias=not bn), *bn_(nn.BatchNorm2d, 6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, bias=not bn), *bn_(nn.BatchNorm2d, 16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120, bias=not bn), *bn_(nn.BatchNorm1d, 120), nn.ReLU(),
        nn.Linear(120, 84, bias=not bn), *bn_(nn.BatchNorm1d, 84), nn.ReLU(),
        nn.Linear(84, 10))


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def copy_by_position(src: nn.Module, dst: nn.Module) -> None:
    """Copy src's state-dict tensors into dst in order (names differ, shapes must not)."""
    src_sd, dst_sd = src.state_dict(), dst.state_dict()
    assert [v.shape for v in src_sd.values()] == [v.shape for v in dst_sd.values()]
    dst.load_state_dict(dict(zip(dst_sd, src_sd.values())))


def test_cnn_parameter_count_without_bn():
    """Does the CNN without BN have the seed's 2,095,690 parameters, as its transcription?"""
    model = EuroSATCNN(bn=False, dropout=0.05)
    assert count_parameters(model) == SEED_COUNT_NO_BN == n_params(seed_cnn(bn=False))


def test_cnn_parameter_count_with_bn():
    """Does the CNN with BN have the seed's 2,096,682 parameters, as its transcription?"""
    model = EuroSATCNN(bn=True, dropout=0.05)
    assert count_parameters(model) == SEED_COUNT_BN == n_params(seed_cnn(bn=True))


def test_lenet_parameter_count():
    """Does LeNet-5 have 61,706 parameters, as the Sequential written from its definition?"""
    assert count_parameters(LeNet5()) == LENET_COUNT == n_params(reference_lenet())


def test_lenet_bn_parameter_count():
    """Does the BN variant of LeNet-5 count as many parameters as its transcription?"""
    assert count_parameters(LeNet5(bn=True)) == n_params(reference_lenet(bn=True))


@pytest.mark.parametrize("bn", [False, True])
def test_cnn_computes_the_seed_network(bn):
    """Given the same weights, does EuroSATCNN compute what the seed's printout computes?"""
    torch.manual_seed(0)
    ref, ours = seed_cnn(bn).double(), EuroSATCNN(bn=bn, dropout=0.05).double()
    if bn:  # non-trivial running statistics so eval-mode BN is exercised
        for m in ref.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.2, 0.2)
    copy_by_position(ref, ours)
    x = torch.rand(4, 3, 64, 64, dtype=torch.float64)
    ref.eval(), ours.eval()
    torch.testing.assert_close(ours(x), ref(x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("bn", [False, True])
def test_lenet_computes_the_reference_network(bn):
    """Given the same weights, does LeNet5 compute what the layer-by-layer definition computes?"""
    torch.manual_seed(1)
    ref, ours = reference_lenet(bn).double(), LeNet5(bn=bn).double()
    copy_by_position(ref, ours)
    x = torch.rand(5, 1, 28, 28, dtype=torch.float64)
    ref.eval(), ours.eval()
    torch.testing.assert_close(ours(x), ref(x), atol=ATOL, rtol=0)


def test_cnn_layer_output_shapes():
    """Do the feature maps follow the seed's table 3x64x64 -> ... -> 512x2x2 -> 2048 -> 256 -> 10?"""
    expected, size = [(3, 64, 64)], 64
    for c in (32, 64, 128, 256, 512):
        expected += [(c, size, size), (c, size // 2, size // 2)]  # block, then pool
        size //= 2
    expected += [(2048,), (256,), (256,), (10,)]  # Flatten, Linear, ReLU, Linear
    rows = layer_output_shapes(EuroSATCNN(bn=True, dropout=0.05), (3, 64, 64))
    # Dropout keeps the shape; leave it out to line up with the seed's table.
    shapes = [s for name, s in rows if name != "Dropout"]
    assert shapes == expected


def test_lenet_output_shape():
    """Does LeNet-5 map a batch (N, 1, 28, 28) to logits (N, 10) through a 400-wide flatten?"""
    rows = layer_output_shapes(LeNet5(), (1, 28, 28))
    assert ("Flatten", (400,)) in rows and rows[-1] == ("Linear", (10,))


def test_dropout_setting_keeps_state_dict_keys():
    """Is the state-dict layout of a network the same with and without dropout?"""
    for cls in (EuroSATCNN, LeNet5):
        for bn in (False, True):
            a = cls(bn=bn, dropout=0.0).state_dict()
            b = cls(bn=bn, dropout=0.3).state_dict()
            assert [(k, v.shape) for k, v in a.items()] == [(k, v.shape) for k, v in b.items()]


def test_bn_drops_conv_bias():
    """Are the conv biases absent exactly when BN follows the conv?"""
    convs_bn = [m for m in EuroSATCNN(bn=True).modules() if isinstance(m, nn.Conv2d)]
    convs = [m for m in EuroSATCNN(bn=False).modules() if isinstance(m, nn.Conv2d)]
    assert all(m.bias is None for m in convs_bn) and all(m.bias is not None for m in convs)


def test_seed_bn_momentum():
    """Do the BN layers use the momentum 0.15 shown in the seed's printout?"""
    bns = [m for m in EuroSATCNN(bn=True).modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(bns) == 5 and all(m.momentum == 0.15 for m in bns)


def test_dropout_layers_present_when_asked():
    """Does p > 0 put Dropout2d after all five blocks and one Dropout in the classifier?"""
    model = EuroSATCNN(bn=False, dropout=0.05)
    d2 = [m for m in model.modules() if isinstance(m, nn.Dropout2d)]
    d1 = [m for m in model.modules() if type(m) is nn.Dropout]
    assert len(d2) == 5 and len(d1) == 1 and all(m.p == 0.05 for m in d2 + d1)


def test_bad_dropout_raises():
    """Does a dropout probability outside [0, 1) raise ValueError?"""
    with pytest.raises(ValueError, match="dropout"):
        EuroSATCNN(dropout=1.0)
    with pytest.raises(ValueError, match="dropout"):
        LeNet5(dropout=-0.1)


def test_build_model_unknown_dataset():
    """Does an unknown dataset name raise ValueError listing the known ones?"""
    with pytest.raises(ValueError, match="eurosat"):
        build_model("cifar10")


@pytest.mark.parametrize("make", [lambda: EuroSATCNN(bn=True, dropout=0.05), lambda: LeNet5(bn=True),
                                  lambda: EuroSATCNN(bn=False)])
def test_fuse_for_inference_matches_the_eval_model(make):
    """Does folding BN into the preceding conv/linear leave eval outputs unchanged (float64) and the model untouched?"""
    torch.manual_seed(0)
    model = make().double()
    model.train()
    shape = (4, 3, 64, 64) if isinstance(model, EuroSATCNN) else (4, 1, 28, 28)
    with torch.no_grad():  # move the running statistics away from (0, 1)
        for _ in range(3):
            model(torch.rand(*shape, dtype=torch.float64) * 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fused = fuse_for_inference(model)
    x = torch.rand(*shape, dtype=torch.float64)
    with torch.no_grad():
        expected = model.eval()(x)
        got = fused(x)
    assert torch.allclose(got, expected, atol=1e-9, rtol=1e-9)
    assert not any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for m in fused.modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
