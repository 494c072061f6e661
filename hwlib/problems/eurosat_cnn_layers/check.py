"""Check of hw1.p4_layers: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _exact, _key, _kind
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("params", "outputs", "total", "total_bn")


def compare(sol, got, args):
    rows = sol["layers"][1:]  # the input row has no layer
    out = []
    try:
        out.append(_exact([r["params"] for r in rows], _key(got, "params"), "params per layer"))
    except Mismatch as exc:
        out.append(str(exc))
    try:
        outputs = _key(got, "outputs")
        if not isinstance(outputs, list) or len(outputs) != len(rows):
            raise Mismatch(f"outputs should list {len(rows)} shapes (one per layer), "
                           f"got {_kind(outputs)}")
        msg = None
        for r, g in zip(rows, outputs):
            m = _exact(r["output"], g, f"output of {r['layer']}")
            if m:
                msg = m
                break
        out.append(msg)
    except Mismatch as exc:
        out.append(str(exc))
    for key, ref in (("total", sol["total"]), ("total_bn", sol["total_bn"])):
        try:
            out.append(_exact(ref, _key(got, key)))
        except Mismatch as exc:
            out.append(str(exc))
    return out


def case_design(rng):
    """A narrow and a wide network, and a small hidden layer."""
    base = lambda b: [b * 2 ** i for i in range(5)]  # noqa: E731
    return [("a narrow network", {"channels": base(8), "hidden": 64}),
            ("a wide network", {"channels": base(64), "hidden": 512}),
            ("a small hidden layer", {"channels": base(16), "hidden": 16, "classes": 3})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
