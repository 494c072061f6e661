"""Check of hw4.q2_counts: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _exact, _key

# The total and the last output shape for the student's own stack (hwlib.course.params_for:
# sol is solve(the student's parameters) of same_conv_stack's reference).
CHECKS = ("total", "output")
NO_BIASES = "the total leaves out the biases, one per output channel of each layer"


def compare(sol, got, args):
    biases = sum(layer["output"][0] for layer in sol["layers"])
    out = []
    try:
        total = _key(got, "total")
        msg = _exact(int(sol["total"]), total)
        if msg is not None:
            msg = f"not the total for the stack of your statement: {msg}"
            if _exact(int(sol["total"]) - biases, total) is None:
                msg += f" ({NO_BIASES})"
        out.append(msg)
    except Mismatch as exc:
        out.append(str(exc))
    try:
        msg = _exact(sol["layers"][-1]["output"], _key(got, "output"), "[C, H, W]")
        out.append(None if msg is None else
                   f"not the last output of the stack of your statement: {msg}")
    except Mismatch as exc:
        out.append(str(exc))
    return out
