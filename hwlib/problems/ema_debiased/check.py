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


def case_design(rng):
    """A single step (the correction is largest), short and long memory (beta 0.5, 0.99)."""
    xs = lambda n: rng.normal(5.0, 2.0, n).round(3).tolist()  # noqa: E731
    return [("a single step", {"xs": xs(1), "beta": 0.9}), ("short memory", {"xs": xs(6), "beta": 0.5}),
            ("long memory", {"xs": xs(8), "beta": 0.99})]
