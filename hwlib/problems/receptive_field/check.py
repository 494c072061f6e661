"""Check of hw3.q2: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_exact
from hwlib.grading.known_mistakes import diagnose_from_mistakes


def make_args(params, rng):
    return {k: params[k] for k in ("kernel_sizes", "strides", "dilations")}


def to_params(args):
    return {**args, "convention": "zeros"}


compare = _cmp_exact


def case_design(rng):
    """A single layer and several; strides 1 and >1; dilations 0 and >0; kernel size 1."""
    k = lambda n: rng.integers(2, 8, n).tolist()  # noqa: E731
    return [("a single layer", {"kernel_sizes": k(1), "strides": [1], "dilations": [0]}),
            ("a single dilated, strided layer", {"kernel_sizes": k(1), "strides": [2], "dilations": [2]}),
            ("several layers, stride 1, no dilation", {"kernel_sizes": k(3), "strides": [1, 1, 1], "dilations": [0, 0, 0]}),
            ("several layers, strides > 1", {"kernel_sizes": k(3), "strides": [2, 3, 2], "dilations": [0, 0, 0]}),
            ("several layers, dilations > 0", {"kernel_sizes": k(3), "strides": [1, 1, 1], "dilations": [1, 2, 3]}),
            ("strides and dilations, a 1x1 layer", {"kernel_sizes": [3, 1, 5, 2], "strides": [2, 1, 3, 2], "dilations": [1, 0, 2, 1]})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
