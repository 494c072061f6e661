"""Check of hw1.p1: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _close, _one


def compare(sol, got, args):
    return _one(_close(sol["debiased"], got))


def diagnose(sol, got, args):
    try:
        if _close(sol["ema"], got) is None:
            return ("these are the raw averages mu_n without bias correction: "
                    "divide each by 1 - beta**n")
    except Mismatch:
        pass
    return None
