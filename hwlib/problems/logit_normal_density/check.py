"""Check of hw3.q8: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _equivalent, _one, _symbols, parse_formula


def compare(sol, got, args):
    from hwlib import registry
    names = _symbols("x")
    try:
        student = parse_formula(got, names)
    except Mismatch as exc:
        return _one(str(exc))
    reference = parse_formula(sol["expr"], names)
    xs = list(registry.get("hw3.q8").defaults["x"]) + [0.03, 0.37, 0.61, 0.97]
    ok, detail = _equivalent(student, reference, [{"x": x} for x in xs])
    return _one(None if ok else f"not the density of sigmoid(z): {detail}")
