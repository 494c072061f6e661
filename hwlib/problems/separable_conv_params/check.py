"""Check of hw2.q5: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _per_key

CHECKS = ("standard", "depthwise", "pointwise", "separable")


def compare(sol, got, args):
    return _per_key(_exact, sol, got, ("standard", "depthwise", "pointwise", "separable"))
