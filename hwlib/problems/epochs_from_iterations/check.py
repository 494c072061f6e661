"""Check of hw3.q9: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _as_number, _close, _one


def compare(sol, got, args):
    return _one(_close(sol, _as_number(got, "the number of epochs")))
