"""Known wrong answers of attention_vs_dense_params (hw3.q6); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "bias_per_token",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['attention_weights', 'dense_weights', 'dense_biases', 'dense_total'],
        "score": Fraction(4, 6),
        "phrase": "attention_biases: at D=",
        "why": ("One bias per token and projection (3*D*N) instead of one per output feature "
                "(3*D): the attention biases and the attention total for the statement's D and "
                "N (3*64**2 + 3*64*10) are wrong: 4 of 6 checks."),
        "code": '''\
attention_param_formulas = {"attention_weights": "3*D**2", "attention_biases": "3*D*N",
                            "dense_weights": "(D*N)**2", "dense_biases": "D*N",
                            "attention_total": 14208, "dense_total": 410240}
''',
    },
]
