"""Check of hw3.q10: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _close, _one


def compare(sol, got, args):
    return _one(_close(sol["weights"], got))
