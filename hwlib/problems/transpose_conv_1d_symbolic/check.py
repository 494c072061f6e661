"""Check of hw2.q2c_1d: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import (Mismatch, _equivalent, _kind, _one, _symbols, _sympy,
                                   parse_formula)


def compare(sol, got, args):
    names = _symbols(*args["inputs"], *args["kernel"])
    if not isinstance(got, list):
        return _one(f"should be a list of {len(sol)} strings, got {_kind(got)}")
    if len(got) != len(sol):
        return _one(f"length should be {len(sol)}, got {len(got)}")
    sp = _sympy()
    for i, (ref, entry) in enumerate(zip(sol, got)):
        try:
            student = parse_formula(entry, names)
        except Mismatch as exc:
            return _one(f"entry {i}: {exc}")
        reference = sp.sympify(ref, locals=names)
        if not _equivalent(student, reference, [])[0]:
            return _one(f"entry {i} should be {ref}, got {entry}")
    return _one(None)
