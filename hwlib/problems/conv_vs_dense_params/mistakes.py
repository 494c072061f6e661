"""Known wrong answers of conv_vs_dense_params (hw1.p3a); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "dense_bias_forgotten",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['conv', 'conv_count'],
        "score": Fraction(1, 2),
        "phrase": "dense: not the parameter count",
        "why": ("The dense layer's biases are left out, in the formula and in the count for the "
                "statement's layer (32*32*16 * 32*32*3); the convolution's formula and count are "
                "right: 2 of 4 checks."),
        "code": '''\
param_formulas = {"conv": "C_out*(k**2*C_in + 1)", "dense": "H*W*C_out*H*W*C_in",
                  "conv_count": 448, "dense_count": 50331648}
''',
    },
]
