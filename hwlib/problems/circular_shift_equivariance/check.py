"""Check of hw1.p2: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _close, _per_key

CHECKS = ("conv_of_shifted", "shifted_conv")


def compare(sol, got, args):
    return _per_key(_close, sol, got, ("conv_of_shifted", "shifted_conv"))
