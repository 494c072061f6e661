"""Check of hw3.q10: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _close, _one
from hwlib.grading.known_mistakes import diagnose_from_mistakes


def compare(sol, got, args):
    return _one(_close(sol["weights"], got))


def case_design(rng):
    """t = 0 and t = 1 (the edges), short and long memory."""
    return [("t = 0", {"t": 0, "beta": 0.9}), ("t = 1", {"t": 1, "beta": 0.8}),
            ("short memory", {"t": int(rng.integers(3, 10)), "beta": 0.5}),
            ("long memory", {"t": int(rng.integers(3, 10)), "beta": 0.99})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
