"""Counting trainable parameters (and feature-map sizes) of layers and blocks.

One counter per layer type; blocks and whole networks are sums of them, so
every counting question in the homeworks goes through the same few functions.
Shapes are channel-first, (C, H, W), as in PyTorch.
"""
from __future__ import annotations

from typing import Sequence

from .conv import _positive, conv_output_length, same_output_length


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Parameters of a fully connected layer: n_in n_out weights (+ n_out biases)."""
    n_in, n_out = _positive(n_in, "n_in"), _positive(n_out, "n_out")
    return n_in * n_out + (n_out if bias else 0)


def conv_weights(c_in: int, c_out: int, kernel_size, groups: int = 1, dims: int = 2) -> int:
    """Weights of a convolution: c_out (c_in / groups) prod(kernel_size).

    kernel_size: an int (same extent in each of ``dims`` dimensions) or a tuple.
    """
    c_in, c_out, g = _positive(c_in, "c_in"), _positive(c_out, "c_out"), _positive(groups, "groups")
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide c_in={c_in} and c_out={c_out}")
    ks = (kernel_size,) * _positive(dims, "dims") if isinstance(kernel_size, int) else tuple(kernel_size)
    volume = 1
    for k in ks:
        volume *= _positive(k, "kernel size")
    return c_out * (c_in // g) * volume


def conv_params(c_in: int, c_out: int, kernel_size, bias: bool = True, groups: int = 1,
                dims: int = 2) -> int:
    """Parameters of a convolution layer: weights plus one bias per output channel."""
    return conv_weights(c_in, c_out, kernel_size, groups, dims) + (c_out if bias else 0)


def bn_params(channels: int) -> int:
    """Trainable parameters of batch norm: a scale gamma and a shift beta per channel.

    (The running mean and variance are buffers, not trainable.)
    """
    return 2 * _positive(channels, "channels")


def conv_vs_dense_params(height: int, width: int, c_in: int, c_out: int, kernel_size: int,
                         bias: bool = True) -> dict:
    """A k x k convolution versus a dense layer with the same (C, H, W) input and output sizes.

    conv: (k^2 C_in + 1) C_out; dense: (H W C_in + 1) H W C_out (with bias).
    """
    h, w = _positive(height, "height"), _positive(width, "width")
    conv = conv_params(c_in, c_out, kernel_size, bias)
    dense = dense_params(h * w * c_in, h * w * c_out, bias)
    return {"conv": conv, "dense": dense, "ratio": dense / conv}


def conv_vs_dense_formulas() -> dict:
    """The two counts of :func:`conv_vs_dense_params` as sympy expressions (with bias)."""
    import sympy

    H, W, C_in, C_out, k = sympy.symbols("H W C_in C_out k", positive=True, integer=True)
    return {"conv": (k**2 * C_in + 1) * C_out, "dense": (H * W * C_in + 1) * H * W * C_out}


def depthwise_separable_params(c_in: int, c_out: int, kernel_size: int, bias: bool = False) -> dict:
    """Depthwise (one k x k filter per input channel) plus pointwise (1 x 1) convolution.

    Returns the two parts, their total, and the standard convolution for comparison.
    """
    depthwise = conv_params(c_in, c_in, kernel_size, bias, groups=c_in)
    pointwise = conv_params(c_in, c_out, 1, bias)
    return {"standard": conv_params(c_in, c_out, kernel_size, bias),
            "depthwise": depthwise, "pointwise": pointwise, "separable": depthwise + pointwise}


def bn_relu_conv_params(c_in: int, c_out: int, kernel_size: int, bias: bool = True) -> int:
    """A batch norm -> ReLU -> convolution sequence (BN acts on the c_in input channels)."""
    return bn_params(c_in) + conv_params(c_in, c_out, kernel_size, bias)


def bottleneck_params(c_outer: int = 512, c_inner: int = 128, bias: bool = True) -> dict:
    """Bottleneck residual block: three BN-ReLU-conv sequences 1x1 down, 3x3, 1x1 up.

    The skip connection adds no parameters. Returns each sequence and the total.
    """
    parts = [bn_relu_conv_params(c_outer, c_inner, 1, bias),
             bn_relu_conv_params(c_inner, c_inner, 3, bias),
             bn_relu_conv_params(c_inner, c_outer, 1, bias)]
    return {"sequences": parts, "total": sum(parts)}


def self_attention_params(d: int) -> dict:
    """Query, key and value projections of one self-attention head on D-dim tokens.

    Three D x D weight matrices and three D-vectors of biases: 3D^2 + 3D.
    """
    d = _positive(d, "D")
    return {"weights": 3 * d * d, "biases": 3 * d, "total": 3 * d * d + 3 * d}


def dense_sequence_params(d: int, n: int) -> dict:
    """A dense layer mapping all D N inputs of a sequence to D N outputs: D^2 N^2 + D N."""
    d, n = _positive(d, "D"), _positive(n, "N")
    return {"weights": (d * n) ** 2, "biases": d * n, "total": (d * n) ** 2 + d * n}


def eurosat_cnn_layers(bn: bool = False, channels: Sequence[int] = (32, 64, 128, 256, 512),
                       in_channels: int = 3, size: int = 64, hidden: int = 256,
                       classes: int = 10, kernel_size: int = 3) -> dict:
    """Output size and parameters per layer of seed 000's EuroSAT CNN.

    Each block is conv k x k (padding k // 2, so the size is kept) -> [BN] ->
    ReLU -> [dropout] -> 2 x 2 max pool; then flatten, dense ``hidden``, dense
    ``classes``. With BN the convolution has no bias (BN's beta replaces it).
    """
    rows = [{"layer": "input", "output": [in_channels, size, size], "params": 0}]
    c, s = in_channels, size
    for c_out in channels:
        params = conv_params(c, c_out, kernel_size, bias=not bn) + (bn_params(c_out) if bn else 0)
        rows.append({"layer": f"conv {c}->{c_out}" + (" + BN" if bn else ""),
                     "output": [c_out, s, s], "params": params})
        s = conv_output_length(s, 2, stride=2)
        rows.append({"layer": "maxpool 2", "output": [c_out, s, s], "params": 0})
        c = c_out
    flat = c * s * s
    rows.append({"layer": "flatten", "output": [flat], "params": 0})
    rows.append({"layer": f"dense {flat}->{hidden}", "output": [hidden],
                 "params": dense_params(flat, hidden)})
    rows.append({"layer": f"dense {hidden}->{classes}", "output": [classes],
                 "params": dense_params(hidden, classes)})
    return {"layers": rows, "total": sum(r["params"] for r in rows)}


def same_conv_stack(in_shape: Sequence[int], channels: Sequence[int],
                    kernel_size: int = 3, stride: int = 2) -> dict:
    """Parameters and feature-map sizes of a stack of 'SAME'-padded strided convolutions (with bias).

    Each layer maps (C, H, W) to (C_out, ceil(H / stride), ceil(W / stride)).
    """
    if len(in_shape) != 3:
        raise ValueError(f"in_shape must be (C, H, W), got {tuple(in_shape)}")
    c, h, w = (_positive(v, "input size") for v in in_shape)
    layers = []
    for c_out in channels:
        h, w = same_output_length(h, stride), same_output_length(w, stride)
        layers.append({"params": conv_params(c, c_out, kernel_size), "output": [c_out, h, w]})
        c = c_out
    return {"layers": layers, "total": sum(layer["params"] for layer in layers)}


def lenet5_layers(in_size: int = 28, classes: int = 10) -> dict:
    """Parameters per layer of the course's LeNet-5 for square grey-scale inputs.

    conv 1->6 5x5 -> 2x2 pool -> conv 6->16 5x5 -> 2x2 pool -> dense flat->120 ->
    dense 120->84 -> dense 84->classes, all with biases; 61,706 parameters for
    28 x 28 inputs and 10 classes.
    Padding: conv1 is padded by 2 ONLY when in_size == 28 (Fashion-MNIST), which
    restores the classic 32 x 32 geometry (flat = 400); every other size is
    unpadded, so e.g. in_size 32 also gives flat = 400 and in_size 36 gives
    16 * 6 * 6 = 576.
    """
    size = _positive(in_size, "in_size")
    pad = 2 if size == 28 else 0
    s = conv_output_length(size, 5, padding=pad) // 2
    s = conv_output_length(s, 5) // 2
    flat = 16 * s * s
    rows = [("conv1 1->6 5x5", conv_params(1, 6, 5)), ("conv2 6->16 5x5", conv_params(6, 16, 5)),
            (f"fc1 {flat}->120", dense_params(flat, 120)), ("fc2 120->84", dense_params(120, 84)),
            (f"fc3 84->{classes}", dense_params(84, classes))]
    return {"layers": [{"layer": n, "params": p} for n, p in rows], "total": sum(p for _, p in rows)}
