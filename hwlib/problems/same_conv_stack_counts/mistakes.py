"""Known wrong answers of same_conv_stack_counts (hw4.q2_counts); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "no_biases",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['output'],
        "score": Fraction(1, 2),
        "phrase": "the total leaves out the biases",
        "why": ("The statement's stack (3x200x300 -> 100, 200, 400 channels, 3x3, stride 2) "
                "counted without its 700 biases: 902700 instead of 903400; the last output "
                "[400, 25, 38] is right: 1 of 2 checks."),
        "code": '''\
stack_counts = {"total": 100*3*9 + 200*100*9 + 400*200*9, "output": [400, 25, 38]}
''',
    },
]
