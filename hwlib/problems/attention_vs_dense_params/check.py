"""Check of hw3.q6: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _equivalent, _exact, _key, _symbols, parse_formula

# Four formulas in D and N (the same for everyone) and the two totals for the student's
# own D and N (hwlib.course.params_for: sol is solve(the student's parameters)).
CHECKS = ("attention_weights", "attention_biases", "dense_weights",
          "dense_biases", "attention_total", "dense_total")


_ATTENTION_POINTS = [(64, 10), (1, 1), (3, 7), (10, 2), (5, 33)]


def compare(sol, got, args):
    from hwlib import registry
    names = _symbols("D", "N")
    problem = registry.get("hw3.q6")
    refs = [(d, n, problem.solve({"d": d, "n": n})) for d, n in _ATTENTION_POINTS]
    out = []
    for key in ("attention_weights", "attention_biases", "dense_weights", "dense_biases"):
        part, sub = key.split("_")
        try:
            student = parse_formula(_key(got, key), names)
            msg = None
            for d, n, ref in refs:
                want = ref[part][sub]
                ok, msg = _equivalent(student, student * 0 + want, [{"D": d, "N": n}])
                if not ok:
                    break
                msg = None
            out.append(msg)
        except Mismatch as exc:
            out.append(str(exc))
    for key, want in (("attention_total", sol["attention"]["total"]),
                      ("dense_total", sol["dense"]["total"])):
        try:
            msg = _exact(int(want), _key(got, key))
            out.append(None if msg is None else f"not the total for the D and N of your "
                                                f"statement: {msg}")
        except Mismatch as exc:
            out.append(str(exc))
    return out
