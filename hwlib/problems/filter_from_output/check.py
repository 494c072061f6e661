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


def case_design(rng):
    """A filter of length 1 (y is a multiple of x) and a filter longer than 3."""
    from hwlib import conv

    out = []
    for label, n, k in (("a filter of length 1", 5, 1), ("a filter of length 4", 8, 4)):
        for _ in range(100):
            x = rng.integers(-4, 5, n)
            w = rng.integers(-3, 4, k)
            y = conv.corr1d(x, w)
            try:
                conv.recover_filter(x, y)
            except ValueError:
                continue
            out.append((label, {"x": x.tolist(), "y": y.astype(int).tolist()}))
            break
    return out
