"""Known wrong answers of dropout_ridge (hw2.q6); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "ridge_weights_not_rescaled",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['expected_loss', 'X_tilde', 'effective_column_norms'],
        "score": Fraction(3, 4),
        "phrase": "these are the dropout-trained weights without the factor p",
        "hint": "these are the dropout-trained weights without the factor p",
        "why": ('The dropout-trained weights are used as the ridge weights without the factor '
                'p: only ridge_weights is wrong (p < 1).'),
        "code": '''\
import numpy as np

def dropout_ridge(X, y, w, p):
    X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
    norms = np.linalg.norm(X, axis=0)
    loss = np.sum((y - p * X @ w) ** 2) + p * (1 - p) * np.sum((norms * w) ** 2)
    gamma = np.sqrt((1 - p) / p) * norms
    X_tilde = X / gamma
    return {"expected_loss": loss, "ridge_weights": w, "X_tilde": X_tilde,
            "effective_column_norms": np.linalg.norm(X_tilde, axis=0)}
''',
    },
]
