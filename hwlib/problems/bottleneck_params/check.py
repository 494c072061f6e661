"""Check of hw3.q5: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _per_key
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("sequences", "total")


def compare(sol, got, args):
    return _per_key(_exact, sol, got, ("sequences", "total"))


def case_design(rng):
    """A narrow inner width (C_inner much smaller than C_outer), and C_inner = C_outer."""
    inner = int(rng.choice([8, 16, 32]))
    return [("inner width a quarter", {"c_outer": 4 * inner, "c_inner": inner}),
            ("inner width a sixteenth", {"c_outer": 16 * inner, "c_inner": inner}),
            ("inner width equal", {"c_outer": inner, "c_inner": inner})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
