"""The two networks of the training experiments (seed 000 and seed 004).

Input convention for both: a float tensor of shape ``(N, C, H, W)`` with
values in ``[0, 1]`` (what ``torchvision.transforms.ToTensor`` produces; no
mean/std normalisation), so a state dict trained the plain torchvision way is
graded on the same footing as one trained with :mod:`hwlib.train`.

* :class:`EuroSATCNN`: the five-block CNN of seed 000 for ``3 x 64 x 64``
  inputs. Each block is Conv3x3 (padding 1) -> [BatchNorm2d] -> ReLU ->
  [Dropout2d], followed by MaxPool2; channels 32-64-128-256-512, then
  Flatten (2048) -> Linear 256 -> ReLU -> [Dropout] -> Linear 10. The conv
  bias is dropped when BN follows it (BN's shift makes it redundant).
  2,095,690 parameters without BN and 2,096,682 with BN.
* :class:`LeNet5`: LeNet-5 for ``1 x 28 x 28`` inputs (seed 004): conv 1->6
  k5 pad 2, ReLU, maxpool 2, conv 6->16 k5, ReLU, maxpool 2, flatten 400,
  Linear 120, ReLU, Linear 84, ReLU, Linear 10: 61,706 parameters. Variants:
  dropout after each hidden FC layer, BN after each conv and hidden FC layer
  (bias dropped there too); the weight-decay variant is the plain network
  with an L2 term in the optimiser.

Switched-off layers are :class:`torch.nn.Identity` placeholders, so the
state-dict keys of one architecture do not depend on the dropout setting.
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["EuroSATCNN", "LeNet5", "build_model", "count_parameters", "fuse_for_inference",
           "layer_output_shapes", "EUROSAT_CHANNELS", "BN_MOMENTUM",
           "DATASETS"]

EUROSAT_CHANNELS = (32, 64, 128, 256, 512)
# The seed's printout shows BatchNorm2d(..., momentum=0.15); we keep it.
BN_MOMENTUM = 0.15
DATASETS = ("eurosat", "fashion-mnist")


def _check_dropout(p: float) -> float:
    """Validate a dropout probability ``p`` in ``[0, 1)``."""
    p = float(p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability must lie in [0, 1), got {p}")
    return p


class ConvBlock(nn.Sequential):
    """One seed-000 block: Conv3x3 pad 1 -> [BN] -> ReLU -> [Dropout2d].

    x: tensor of shape (N, c_in, H, W) -> (N, c_out, H, W).
    """

    def __init__(self, c_in: int, c_out: int, bn: bool, dropout: float):
        super().__init__(OrderedDict([
            ("conv", nn.Conv2d(c_in, c_out, 3, padding=1, bias=not bn)),
            ("bn", nn.BatchNorm2d(c_out, momentum=BN_MOMENTUM) if bn else nn.Identity()),
            ("relu", nn.ReLU(inplace=True)),
            ("drop", nn.Dropout2d(dropout) if dropout > 0 else nn.Identity()),
        ]))


class EuroSATCNN(nn.Module):
    """Seed-000 five-block CNN: (N, 3, 64, 64) in [0, 1] -> logits (N, 10).

    bn: insert BatchNorm2d after every conv (and drop the conv bias).
    dropout: probability p of the Dropout2d after each block's ReLU and of the
    Dropout after the hidden FC layer; 0 removes them (the seed's Table 1
    used p = 0.05).
    """

    def __init__(self, bn: bool = False, dropout: float = 0.0, num_classes: int = 10):
        super().__init__()
        dropout = _check_dropout(dropout)
        self.bn, self.dropout = bool(bn), dropout
        layers: list[nn.Module] = []
        c_in = 3
        for c_out in EUROSAT_CHANNELS:
            layers += [ConvBlock(c_in, c_out, bn, dropout), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(EUROSAT_CHANNELS[-1] * 2 * 2, 256),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout) if dropout > 0 else nn.Identity(),
            nn.Linear(256, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of shape (N, 10) for images x of shape (N, 3, 64, 64)."""
        return self.classifier(self.features(x))


class LeNet5(nn.Module):
    """LeNet-5 for 28x28 greyscale: (N, 1, 28, 28) in [0, 1] -> logits (N, 10).

    bn: BatchNorm after both convs (2d) and both hidden FC layers (1d), placed
    before the ReLU, with the preceding bias dropped.
    dropout: probability p of a Dropout after each hidden FC ReLU (seed 004's
    dropout variant; our default there is p = 0.5).
    """

    def __init__(self, bn: bool = False, dropout: float = 0.0, num_classes: int = 10):
        super().__init__()
        dropout = _check_dropout(dropout)
        self.bn, self.dropout = bool(bn), dropout

        def norm(kind, n):
            return kind(n) if bn else nn.Identity()

        def drop():
            return nn.Dropout(dropout) if dropout > 0 else nn.Identity()

        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2, bias=not bn), norm(nn.BatchNorm2d, 6),
            nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5, bias=not bn), norm(nn.BatchNorm2d, 16),
            nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120, bias=not bn), norm(nn.BatchNorm1d, 120),
            nn.ReLU(inplace=True), drop(),
            nn.Linear(120, 84, bias=not bn), norm(nn.BatchNorm1d, 84),
            nn.ReLU(inplace=True), drop(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of shape (N, 10) for images x of shape (N, 1, 28, 28)."""
        return self.classifier(self.features(x))


def build_model(dataset: str, bn: bool = False, dropout: float = 0.0) -> nn.Module:
    """Construct the experiment network for ``dataset`` ('eurosat' or 'fashion-mnist')."""
    if dataset == "eurosat":
        return EuroSATCNN(bn=bn, dropout=dropout)
    if dataset == "fashion-mnist":
        return LeNet5(bn=bn, dropout=dropout)
    raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")


def fuse_for_inference(model: nn.Module) -> nn.Module:
    """An eval-mode copy of ``model`` with every batch norm folded into the layer before it.

    In eval mode BN is the affine map ``gamma * (z - mean) / sqrt(var + eps) + beta``
    of its input z, so a Conv2d (Linear) directly followed by BatchNorm2d
    (BatchNorm1d) in an ``nn.Sequential`` equals one Conv2d (Linear) with
    rescaled weights and a bias; the BN becomes an Identity. The outputs
    agree with the unfused model to float rounding; one pass over the
    activations per BN is saved. ``model`` itself is left unchanged.
    """
    import copy

    from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

    fused = copy.deepcopy(model).eval()
    for seq in [m for m in fused.modules() if isinstance(m, nn.Sequential)]:
        names = list(seq._modules)
        for first, second in zip(names, names[1:]):
            a, b = seq._modules[first], seq._modules[second]
            if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d):
                seq._modules[first] = fuse_conv_bn_eval(a, b)
            elif isinstance(a, nn.Linear) and isinstance(b, nn.BatchNorm1d):
                seq._modules[first] = fuse_linear_bn_eval(a, b)
            else:
                continue
            seq._modules[second] = nn.Identity()
    return fused


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) scalar parameters; BN running statistics excluded."""
    return sum(p.numel() for p in model.parameters()
               if p.requires_grad or not trainable_only)


def layer_output_shapes(model: nn.Module, input_shape: tuple[int, ...]) -> list[tuple[str, tuple[int, ...]]]:
    """Per-layer output shapes (without the batch axis) for one input of ``input_shape``.

    Walks ``model.features`` then ``model.classifier`` (an EuroSATCNN block
    counts as one layer) and skips Identity placeholders. Returns a list of
    ``(layer class name, shape)`` starting with ``("Input", input_shape)``.
    """
    rows = [("Input", tuple(input_shape))]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            x = torch.zeros(1, *input_shape)
            for layer in [*model.features, *model.classifier]:
                x = layer(x)
                if not isinstance(layer, nn.Identity):
                    rows.append((type(layer).__name__, tuple(x.shape[1:])))
    finally:
        model.train(was_training)
    return rows
