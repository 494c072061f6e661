"""Check of hw2.q5_counts: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _exact, _key

# The four counts for the student's own layer (hwlib.course.params_for: sol is
# solve(the student's parameters) of separable_conv_params's reference).
CHECKS = ("standard", "depthwise", "pointwise", "separable")
NO_POINTWISE = "the separable count leaves out the pointwise 1x1 convolution"


def compare(sol, got, args):
    out = []
    for key in CHECKS:
        try:
            value = _key(got, key)
            msg = _exact(int(sol[key]), value)
        except Mismatch as exc:
            out.append(str(exc))
            continue
        if msg is not None:
            msg = f"not the count for the layer of your statement: {msg}"
            if key == "separable" and _exact(int(sol["depthwise"]), value) is None:
                msg += f" ({NO_POINTWISE})"
        out.append(msg)
    return out
