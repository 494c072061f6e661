"""Known wrong answers of separable_conv_params (hw2.q5); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "forgot_pointwise",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['standard', 'depthwise', 'pointwise'],
        "score": Fraction(3, 4),
        "phrase": "the separable count leaves out the pointwise 1x1 convolution",
        "hint": "the separable count leaves out the pointwise 1x1 convolution",
        "why": ('The separable count leaves out the 1x1 convolution: standard, depthwise and '
                'pointwise are right, separable is wrong on every case (c_out >= 1): 3 of 4 '
                'checks.'),
        "code": '''\
def separable_params(c_in, c_out, kernel_size):
    k2 = kernel_size ** 2
    return {"standard": c_out * c_in * k2, "depthwise": c_in * k2,
            "pointwise": c_in * c_out, "separable": c_in * k2}  # forgot the pointwise part
''',
    },
]
