"""Check of hw2.q4: how the answer is compared, and the known mistakes it names."""

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
