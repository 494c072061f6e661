"""Check of hw3.q5: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _per_key

CHECKS = ("sequences", "total")


def compare(sol, got, args):
    return _per_key(_exact, sol, got, ("sequences", "total"))
