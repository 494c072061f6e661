"""Registry entries: shift equivariance, filters, transpose and dilated convolutions,
receptive fields (hw1.p2, hw2.q2b, hw2.q2c, hw2.q2c_1d, hw3.q1, hw3.q2)."""
import numpy as np

from .. import conv
from ..registry import register


def _sample_shift(rng):
    n = int(rng.integers(5, 12))
    return {"f": rng.integers(-3, 4, n).tolist(), "h": rng.integers(-3, 4, n).tolist(),
            "a": int(rng.integers(1, n))}


@register("hw1.p2", "Shift equivariance of convolution (circular, discrete)",
          {"f": [1, 2, 0, -1, 3, 0, 0, 0], "h": [1, -1, 2, 0, 0, 0, 0, 0], "a": 3},
          sample=_sample_shift)
def shift_equivariance(f, h, a):
    lhs = conv.circular_convolve(conv.shift(f, a), h)
    rhs = conv.shift(conv.circular_convolve(f, h), a)
    return {"conv_of_shifted": lhs, "shifted_conv": rhs,
            "max_abs_difference": float(np.max(np.abs(lhs - rhs)))}


def _sample_filter(rng):
    while True:
        n = int(rng.integers(5, 9))
        x = rng.integers(-4, 5, n)
        w = rng.integers(-3, 4, 3)
        y = conv.corr1d(x, w)
        try:
            conv.recover_filter(x, y)
        except ValueError:
            continue
        return {"x": x.tolist(), "y": y.astype(int).tolist()}


@register("hw2.q2b", "Recover a length-3 filter (cross-correlation) from signal and output",
          {"x": [1, 4, 0, -2, 3], "y": [-2, 2, 11]}, sample=_sample_filter)
def filter_from_output(x, y):
    return conv.recover_filter(x, y)


def _sample_transpose(rng):
    h, w = (int(v) for v in rng.integers(1, 4, 2))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    stride = int(rng.integers(1, 3))
    padding = int(rng.integers(0, min(kh, kw)))
    return {"x": rng.integers(-3, 4, (h, w)).tolist(), "w": rng.integers(-2, 3, (kh, kw)).tolist(),
            "stride": stride, "padding": padding}


@register("hw2.q2c", "2D transpose convolution (stride, padding)",
          {"x": [[-1, 2], [3, 1]], "w": [[1, -1], [0, 1]], "stride": 1, "padding": 0},
          sample=_sample_transpose)
def transpose_conv2d(x, w, stride, padding):
    return conv.transpose_conv2d(x, w, stride, padding)


def _sample_transpose_1d(rng):
    n, k = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    return {"inputs": [f"a{i}" for i in range(n)], "kernel": [f"w{j}" for j in range(k)],
            "stride": int(rng.integers(1, 4))}


@register("hw2.q2c_1d", "1D transpose convolution written symbolically",
          {"inputs": ["a", "b", "c"], "kernel": ["x", "y", "z"], "stride": 2},
          sample=_sample_transpose_1d)
def transpose_conv1d_symbolic(inputs, kernel, stride):
    return conv.transpose_conv1d_symbolic(inputs, kernel, stride)


def _sample_dilated(rng):
    return {"kernel_size": int(rng.integers(2, 8)), "dilation": int(rng.integers(0, 4)),
            "stride": int(rng.integers(1, 5)), "convention": "zeros"}


@register("hw3.q1", "A dilated, strided 1D convolution written out (dilation = zeros inserted)",
          {"kernel_size": 7, "dilation": 2, "stride": 3, "convention": "zeros"},
          sample=_sample_dilated)
def dilated_formula(kernel_size, dilation, stride, convention):
    return {"formula": conv.dilated_conv_formula(kernel_size, dilation, stride, convention),
            "tap_offsets": conv.tap_offsets(kernel_size, dilation, convention),
            "torch_dilation": conv.dilation_spacing(dilation, convention)}


def _sample_rf(rng):
    layers = int(rng.integers(1, 5))
    return {"kernel_sizes": rng.integers(1, 8, layers).tolist(),
            "strides": rng.integers(1, 3, layers).tolist(),
            "dilations": rng.integers(0, 3, layers).tolist(), "convention": "zeros"}


@register("hw3.q2", "Receptive field of stacked 1D convolutions",
          {"kernel_sizes": [7, 7, 7], "strides": [1, 1, 1], "dilations": [0, 0, 0],
           "convention": "zeros"}, sample=_sample_rf)
def receptive_field(kernel_sizes, strides, dilations, convention):
    return conv.receptive_field(kernel_sizes, strides, dilations, convention)
