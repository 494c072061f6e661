"""Check of hw2.q6: how the answer is compared, and the known mistakes it names."""

import numpy as np

from hwlib.grading.compare import _close, _per_key
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms")


def compare(sol, got, args):
    return _per_key(_close, sol, got,
                    ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms"))


def case_design(rng):
    """Keep probabilities 0.5 and 0.95, and as many samples as features."""
    def case(n, d, p):
        return {"X": np.round(rng.normal(size=(n, d)), 3).tolist(), "y": np.round(rng.normal(size=n), 3).tolist(),
                "w": np.round(rng.normal(size=d), 3).tolist(), "p": p}
    return [("p = 0.5", case(6, 3, 0.5)), ("p = 0.95", case(5, 4, 0.95)), ("as many samples as features", case(3, 3, 0.8))]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
