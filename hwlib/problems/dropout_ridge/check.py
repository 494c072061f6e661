"""Check of hw2.q6: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _close, _per_key

CHECKS = ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms")


def compare(sol, got, args):
    return _per_key(_close, sol, got,
                    ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms"))
