"""Check of hw2.q2b: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _close, _cmp_array


def accept(params):
    from hwlib import registry
    w = registry.get("hw2.q2b").solve(params)
    return w[0] != w[-1]


def diagnose(sol, got, args):
    try:
        if _close(sol[::-1], got) is None:
            return ("this is the filter reversed: the course uses cross-correlation "
                    "(no kernel flip), y[i] = sum_j w[j] x[i+j]")
    except Mismatch:
        pass
    return None


compare = _cmp_array
