"""Check of hw1.p3b: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_array
from hwlib.grading.known_mistakes import diagnose_from_mistakes

compare = _cmp_array


def case_design(rng):
    """One position, the smallest width (d = 2), and a long, wide table."""
    return [("one position", {"n_positions": 1, "d": 2 * int(rng.integers(1, 9))}),
            ("d = 2", {"n_positions": int(rng.integers(2, 21)), "d": 2}),
            ("a long, wide table", {"n_positions": 20, "d": 32})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
