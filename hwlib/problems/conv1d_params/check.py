"""Check of hw3.q3: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _one


def compare(sol, got, args):
    want = [[r["weights"], r["biases"]] for r in sol["layers"]]
    return _one(_exact(want, got))
