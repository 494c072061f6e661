"""Check of hw2.q2c_1d: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import (Mismatch, _equivalent, _kind, _one, _symbols, _sympy,
                                   parse_formula)
from hwlib.grading.known_mistakes import diagnose_from_mistakes


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


def case_design(rng):
    """Stride 1 (overlaps everywhere), stride = kernel size (no overlap), stride larger
    than the kernel (gaps written as "0"), and a single input."""
    def case(n, k, stride):
        return {"inputs": [f"a{i}" for i in range(n)], "kernel": [f"w{j}" for j in range(k)],
                "stride": stride}
    return [("stride 1", case(3, 3, 1)), ("stride equal to the kernel", case(3, 2, 2)),
            ("stride larger than the kernel", case(3, 2, 3)), ("a single input", case(1, 3, 2))]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
