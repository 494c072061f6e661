"""Known wrong answers of mlp_shapes (hw4.q1_shapes); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "column_biases",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['X', 'W_h', 'W_o', 'Y'],
        "score": Fraction(2, 3),
        "phrase": "the biases are column vectors (units, 1)",
        "hint": ("the biases are column vectors (units, 1); with samples as rows a bias is a row "
                 "(1, units)"),
        "why": ('Biases written as column vectors (50, 1) and (3, 1): the two bias shapes are '
                'wrong, the other four right, in every case.'),
        "code": '''\
def network_shapes(m):
    return {"X": (m, 10), "W_h": (10, 50), "b_h": (50, 1), "W_o": (50, 3), "b_o": (3, 1),
            "Y": (m, 3)}
''',
    },
]
