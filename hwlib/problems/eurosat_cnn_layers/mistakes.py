"""Known wrong answers of eurosat_cnn_layers (hw1.p4_layers); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "bn_keeps_conv_bias",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['params', 'outputs', 'total'],
        "score": Fraction(3, 4),
        "phrase": "the convolution biases were kept",
        "hint": ("the convolution biases were kept: a convolution followed by batch norm has no "
                 "bias (beta replaces it)"),
        "why": ('With batch norm the convolution biases are kept: total_bn is too large by the '
                'number of channels; the other three checks are right.'),
        "code": '''\
def eurosat_cnn_summary(channels, hidden, size, classes):
    ins = [3] + list(channels[:-1])
    conv = [c_out * (9 * c_in + 1) for c_in, c_out in zip(ins, channels)]
    side = [size >> k for k in range(len(channels) + 1)]        # size after k poolings
    outputs = []
    for i, c in enumerate(channels):
        outputs += [[c, side[i], side[i]], [c, side[i + 1], side[i + 1]]]
    flat = channels[-1] * side[-1] ** 2
    outputs += [[flat], [hidden], [classes]]
    params = [p for c in conv for p in (c, 0)] + [0, flat * hidden + hidden, hidden * classes + classes]
    return {"outputs": outputs, "params": params, "total": sum(params),
            "total_bn": sum(params) + 2 * sum(channels)}   # BN's gamma and beta, conv bias kept
''',
    },
]
