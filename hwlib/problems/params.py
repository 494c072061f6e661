"""Registry entries: every parameter-counting question (hw1.p3a, hw1.p4, hw2.q5,
hw3.q3-q6, hw4.q2, hw4.q4), all through :mod:`hwlib.params`."""
from .. import params
from ..registry import register


def _sample_conv_dense(rng):
    return {"height": int(rng.integers(4, 65)), "width": int(rng.integers(4, 65)),
            "c_in": int(rng.integers(1, 17)), "c_out": int(rng.integers(1, 33)),
            "kernel_size": int(rng.choice([1, 3, 5, 7]))}


@register("hw1.p3a", "Parameters of a k x k convolution vs a dense layer of the same sizes",
          {"height": 32, "width": 32, "c_in": 3, "c_out": 16, "kernel_size": 3},
          sample=_sample_conv_dense)
def conv_vs_dense(height, width, c_in, c_out, kernel_size):
    counts = params.conv_vs_dense_params(height, width, c_in, c_out, kernel_size)
    formulas = params.conv_vs_dense_formulas()
    return {"conv": counts["conv"], "dense": counts["dense"],
            "conv_formula": formulas["conv"], "dense_formula": formulas["dense"]}


def _sample_cnn(rng):
    base = int(rng.choice([8, 16, 32]))
    return {"channels": [base * 2 ** i for i in range(5)], "hidden": int(rng.choice([64, 128, 256])),
            "size": 64, "classes": 10}


@register("hw1.p4", "The EuroSAT CNN of seed 000: output size and parameters per layer, with and without BN",
          {"channels": [32, 64, 128, 256, 512], "hidden": 256, "size": 64, "classes": 10},
          sample=_sample_cnn)
def eurosat_cnn(channels, hidden, size, classes):
    plain = params.eurosat_cnn_layers(False, channels, size=size, hidden=hidden, classes=classes)
    with_bn = params.eurosat_cnn_layers(True, channels, size=size, hidden=hidden, classes=classes)
    return {"layers": plain["layers"], "layers_bn": with_bn["layers"],
            "total": plain["total"], "total_bn": with_bn["total"]}


def _sample_separable(rng):
    return {"c_in": int(rng.integers(1, 17)), "c_out": int(rng.integers(1, 33)),
            "kernel_size": int(rng.choice([3, 5, 7]))}


@register("hw2.q5", "Standard vs depthwise-separable convolution parameters (no bias)",
          {"c_in": 3, "c_out": 4, "kernel_size": 3}, sample=_sample_separable)
def depthwise_separable(c_in, c_out, kernel_size):
    return params.depthwise_separable_params(c_in, c_out, kernel_size, bias=False)


def _sample_conv1d(rng):
    layers = int(rng.integers(1, 4))
    return {"in_channels": int(rng.integers(1, 9)),
            "layers": [[int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 17))] for _ in range(layers)]}


@register("hw3.q3", "Weights and biases of stacked 1D convolution layers",
          {"in_channels": 3, "layers": [[3, 4], [5, 10]]}, sample=_sample_conv1d)
def conv1d_counts(in_channels, layers):
    rows, c = [], in_channels
    for kernel_size, c_out in layers:
        rows.append({"weights": params.conv_weights(c, c_out, kernel_size, dims=1), "biases": c_out})
        c = c_out
    return {"layers": rows, "total": sum(r["weights"] + r["biases"] for r in rows)}


def _sample_channels(rng):
    return {"channels": int(rng.choice([16, 32, 64, 128, 256])), "kernel_size": int(rng.choice([1, 3, 5]))}


@register("hw3.q4", "Parameters of a BN-ReLU-conv residual block",
          {"channels": 512, "kernel_size": 3}, sample=_sample_channels)
def bn_relu_conv(channels, kernel_size):
    return params.bn_relu_conv_params(channels, channels, kernel_size)


def _sample_bottleneck(rng):
    inner = int(rng.choice([16, 32, 64, 128]))
    return {"c_outer": inner * 4, "c_inner": inner}


@register("hw3.q5", "Parameters of a bottleneck residual block (1x1 down, 3x3, 1x1 up)",
          {"c_outer": 512, "c_inner": 128}, sample=_sample_bottleneck)
def bottleneck(c_outer, c_inner):
    return params.bottleneck_params(c_outer, c_inner)


def _sample_attention(rng):
    return {"d": int(rng.integers(1, 65)), "n": int(rng.integers(1, 33))}


@register("hw3.q6", "Self-attention projections vs a dense layer over the whole sequence",
          {"d": 64, "n": 10}, sample=_sample_attention)
def attention_vs_dense(d, n):
    return {"attention": params.self_attention_params(d), "dense": params.dense_sequence_params(d, n),
            "attention_formula": "3*D**2 + 3*D", "dense_formula": "D**2*N**2 + D*N"}


def _sample_stack(rng):
    return {"in_shape": [3, int(rng.integers(16, 257)), int(rng.integers(16, 257))],
            "channels": sorted(rng.integers(4, 65, 3).tolist()), "kernel_size": 3,
            "stride": int(rng.integers(1, 3))}


@register("hw4.q2", "Three stride-2 SAME 3x3 convolutions on a 3x200x300 image: parameters and maps",
          {"in_shape": [3, 200, 300], "channels": [100, 200, 400], "kernel_size": 3, "stride": 2},
          sample=_sample_stack)
def same_stack(in_shape, channels, kernel_size, stride):
    return params.same_conv_stack(in_shape, channels, kernel_size, stride)


@register("hw4.q4", "LeNet-5 for 28x28 inputs: parameters per layer", {"in_size": 28, "classes": 10},
          sample=lambda rng: {"in_size": 28, "classes": int(rng.integers(2, 21))})
def lenet5(in_size, classes):
    return params.lenet5_layers(in_size, classes)
