"""Check of hw1.p2: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _close, _per_key
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("conv_of_shifted", "shifted_conv")


def compare(sol, got, args):
    return _per_key(_close, sol, got, ("conv_of_shifted", "shifted_conv"))


def case_design(rng):
    """Shifts of 1 and of n - 1 (a wrap-around) and the longest and shortest signals."""
    def case(n, a):
        return {"f": rng.integers(-3, 4, n).tolist(), "h": rng.integers(-3, 4, n).tolist(), "a": a}
    return [("shift by 1", case(6, 1)), ("shift by n - 1", case(7, 6)), ("a long signal", case(11, 4))]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
