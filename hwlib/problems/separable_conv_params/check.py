"""Check of hw2.q5: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _per_key
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("standard", "depthwise", "pointwise", "separable")


def compare(sol, got, args):
    return _per_key(_exact, sol, got, ("standard", "depthwise", "pointwise", "separable"))


def case_design(rng):
    """One input channel, one output channel, a 1x1 kernel, and c_in > c_out."""
    return [("one input channel", {"c_in": 1, "c_out": int(rng.integers(2, 33)), "kernel_size": 3}),
            ("one output channel", {"c_in": int(rng.integers(2, 17)), "c_out": 1, "kernel_size": 5}),
            ("a 1x1 kernel", {"c_in": int(rng.integers(2, 17)), "c_out": int(rng.integers(2, 33)), "kernel_size": 1}),
            ("more inputs than outputs", {"c_in": 16, "c_out": int(rng.integers(2, 8)), "kernel_size": 7})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
