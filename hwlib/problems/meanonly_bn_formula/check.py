"""Check of hw2.q4_formula: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _equivalent, _one, _symbols, _sympy, parse_formula


def compare(sol, got, args):
    sp = _sympy()
    names = _symbols("gamma", "g_i", "gbar", "g", "S", "n")
    mean = sp.Function("mean")
    names["mean"] = mean

    def normal(expr):
        # mean(g), S/n and gbar all name the batch average of the g_j.
        return expr.subs(mean(names["g"]), names["gbar"]).subs(
            names["S"], names["n"] * names["gbar"])

    try:
        student = normal(parse_formula(got, names))
    except Mismatch as exc:
        return _one(str(exc))
    reference = normal(parse_formula(sol["formula"], names))
    points = [{"gamma": 1.5, "g_i": 0.5, "gbar": 0.40625, "n": 4, "g": 0.1},
              {"gamma": -2.0, "g_i": 3.0, "gbar": -1.25, "n": 7, "g": 0.3}]
    ok, detail = _equivalent(student, reference, points)
    return _one(None if ok else f"not dL/dx_i: {detail}")
