"""Check of hw2.q4: how the answer is compared, and the known mistakes it names."""

import numpy as np

from hwlib.grading.compare import Mismatch, _close, _one


def extra(rng):
    from hwlib import registry
    params = registry.get("hw2.q4").sample(rng)
    return [("batch of one", {**params, "dy": params["dy"][:1]})]


def compare(sol, got, args):
    return _one(_close(sol["dx"], got))


def diagnose(sol, got, args):
    try:
        if _close([args["gamma"] * g for g in args["dy"]], got) is None and len(args["dy"]) > 0:
            return "this is gamma*g_i: the batch mean also depends on x_i, subtract gamma*mean(g)"
    except Mismatch:
        pass
    return None


def case_design(rng):
    """A batch of two and a long batch with a small gamma (a batch of one: extra())."""
    dy = lambda n: np.round(rng.normal(size=n), 3).tolist()  # noqa: E731
    return [("a batch of two", {"dy": dy(2), "gamma": 1.5}), ("a long batch", {"dy": dy(8), "gamma": 0.25})]
