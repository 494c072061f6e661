"""Check of hw4.q2: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _key, _parts
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("params", "outputs", "total")


def compare(sol, got, args):
    layers = sol["layers"]
    return _parts(
        lambda: _exact([layer["params"] for layer in layers], _key(got, "params"), "params per layer"),
        lambda: _exact([layer["output"] for layer in layers], _key(got, "outputs"), "output shapes"),
        lambda: _exact(sol["total"], _key(got, "total")))


def case_design(rng):
    """Stride 1 and 2; sizes that the stride divides evenly and not (SAME rounds up);
    a single layer and several."""
    c = lambda n: sorted(rng.integers(4, 65, n).tolist())  # noqa: E731
    return [("stride 1", {"in_shape": [3, 40, 57], "channels": c(3), "kernel_size": 3, "stride": 1}),
            ("stride 2, even sizes", {"in_shape": [3, 64, 128], "channels": c(3), "kernel_size": 3, "stride": 2}),
            ("stride 2, odd sizes", {"in_shape": [3, 45, 99], "channels": c(3), "kernel_size": 3, "stride": 2}),
            ("a single layer", {"in_shape": [1, 33, 20], "channels": c(1), "kernel_size": 3, "stride": 2}),
            ("two layers, kernel 5", {"in_shape": [3, 50, 31], "channels": c(2), "kernel_size": 5, "stride": 2})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
