"""Check of hw1.p3a: how the answer is compared, and the known mistakes it names."""

from hwlib import registry
from hwlib.grading.compare import Mismatch, _equivalent, _exact, _key, _symbols, parse_formula

# The two formulas (in symbols: the same for everyone) and the two counts for the
# student's own layer (hwlib.course.params_for: sol is solve(the student's parameters)).
CHECKS = ("conv", "dense", "conv_count", "dense_count")


def _conv_dense_symbols():
    return _symbols("H", "W", "C_in", "C_out", "k")


def compare(sol, got, args):
    names = _conv_dense_symbols()
    d = registry.get("hw1.p3a").defaults   # the statement's layer is the first point
    seed = {"H": d["height"], "W": d["width"], "C_in": d["c_in"], "C_out": d["c_out"],
            "k": d["kernel_size"]}
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
    for key, want in (("conv_count", sol["conv"]), ("dense_count", sol["dense"])):
        try:
            msg = _exact(int(want), _key(got, key))
            out.append(None if msg is None else f"not the count for the layer of your statement: {msg}")
        except Mismatch as exc:
            out.append(str(exc))
    return out
