"""Check of hw3.q3: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _one
from hwlib.grading.known_mistakes import diagnose_from_mistakes


def compare(sol, got, args):
    want = [[r["weights"], r["biases"]] for r in sol["layers"]]
    return _one(_exact(want, got))


def case_design(rng):
    """A single layer and several; kernel size 1 and > 1; one input channel."""
    c = lambda: int(rng.integers(2, 17))  # noqa: E731
    return [("a single layer", {"in_channels": c(), "layers": [[3, c()]]}),
            ("a 1x1 layer", {"in_channels": c(), "layers": [[1, c()]]}),
            ("one input channel, three layers", {"in_channels": 1, "layers": [[5, c()], [3, c()], [7, c()]]})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
