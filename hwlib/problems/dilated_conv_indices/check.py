"""Check of hw3.q1: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _exact, _one


def make_args(params, rng):
    k = 2 if rng is None else int(rng.integers(1, 7))
    return {"kernel_size": params["kernel_size"], "dilation": params["dilation"],
            "stride": params["stride"], "k": k}


def to_params(args):
    return {"kernel_size": args["kernel_size"], "dilation": args["dilation"],
            "stride": args["stride"], "convention": "zeros"}


def _dilated_indices(sol, args):
    start = 1 + args["stride"] * (args["k"] - 1)
    return [start + off for off in sol["tap_offsets"]]


def compare(sol, got, args):
    return _one(_exact(_dilated_indices(sol, args), got))


def diagnose(sol, got, args):
    d, s, k = args["dilation"], args["stride"], args["k"]
    start = 1 + s * (k - 1)
    for spacing, hint in ((d, f"taps are {d} apart: dilation {d} inserts {d} zeros, "
                              f"so taps are dilation + 1 = {d + 1} apart"),
                          (d + 2, f"taps are {d + 2} apart: dilation {d} inserts {d} zeros, "
                                  f"so taps are dilation + 1 = {d + 1} apart")):
        wrong = [start + j * spacing for j in range(args["kernel_size"])]
        try:
            if spacing >= 1 and _exact(wrong, got) is None:
                return hint
        except Mismatch:
            return None
    return None


def case_design(rng):
    """Dilation 0 (plain convolution) and > 0; stride 1 and > 1."""
    k = lambda: int(rng.integers(2, 8))  # noqa: E731
    return [("no dilation, stride 1", {"kernel_size": k(), "dilation": 0, "stride": 1}),
            ("dilation 1, stride 1", {"kernel_size": k(), "dilation": 1, "stride": 1}),
            ("no dilation, stride 3", {"kernel_size": k(), "dilation": 0, "stride": 3}),
            ("dilation 3, stride 2", {"kernel_size": k(), "dilation": 3, "stride": 2})]
