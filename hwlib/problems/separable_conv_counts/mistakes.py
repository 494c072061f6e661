"""Known wrong answers of separable_conv_counts (hw2.q5_counts); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "forgot_pointwise",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['standard', 'depthwise', 'pointwise'],
        "score": Fraction(3, 4),
        "phrase": "the separable count leaves out the pointwise 1x1 convolution",
        "why": ("The separable count of the statement's layer (3 -> 4 channels, 3x3) leaves out "
                "the 1x1 convolution: 27 instead of 27 + 12; the other three counts are right: "
                "3 of 4 checks."),
        "code": '''\
separable_counts = {"standard": 108, "depthwise": 27, "pointwise": 12, "separable": 27}
''',
    },
]
