"""Known wrong answers of eurosat_cnn_layers (hw1.p4_layers); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "bn_keeps_conv_bias",
        "score": Fraction(3, 4),
        "phrase": "total_bn: should be",
        "why": ('With batch norm the convolution biases are kept: total_bn is too large by the '
                'number of channels; the other three checks are right.'),
        "code": '''\
def eurosat_cnn_summary(channels, hidden, size, classes):
    outputs, params = [], []
    c, s = 3, size
    for c_out in channels:
        outputs.append([c_out, s, s])
        params.append(c_out * (c * 9 + 1))
        s //= 2
        outputs.append([c_out, s, s])
        params.append(0)
        c = c_out
    flat = c * s * s
    outputs += [[flat], [hidden], [classes]]
    params += [0, flat * hidden + hidden, hidden * classes + classes]
    total = sum(params)
    return {"outputs": outputs, "params": params, "total": total,
            "total_bn": total + 2 * sum(channels)}   # BN's gamma and beta, conv bias kept
''',
    },
]
