"""Check of hw1.p3a: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _equivalent, _key, _symbols, parse_formula

CHECKS = ("conv", "dense")


def _conv_dense_symbols():
    return _symbols("H", "W", "C_in", "C_out", "k")


def compare(sol, got, args):
    names = _conv_dense_symbols()
    seed = {"H": 32, "W": 32, "C_in": 3, "C_out": 16, "k": 3}
    points = [seed, {"H": 7, "W": 5, "C_in": 2, "C_out": 9, "k": 5},
              {"H": 1, "W": 3, "C_in": 11, "C_out": 4, "k": 1}]
    out = []
    for key, ref in (("conv", sol["conv_formula"]), ("dense", sol["dense_formula"])):
        try:
            student = parse_formula(_key(got, key), names)
            ok, detail = _equivalent(student, parse_formula(ref, names), points)
            out.append(None if ok else f"not the parameter count: {detail}")
        except Mismatch as exc:
            out.append(str(exc))
    return out
