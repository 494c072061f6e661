"""Check of hw4.q1_shapes: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _per_key
from hwlib.grading.known_mistakes import diagnose_from_mistakes


def make_args(params, rng):
    return {"m": params["m"]}


def to_params(args):
    return {"m": args["m"]}


_SHAPE_KEYS = ("X", "W_h", "b_h", "W_o", "b_o", "Y")


def compare(sol, got, args):
    return _per_key(_exact, sol["shapes"], got, _SHAPE_KEYS)


CHECKS = _SHAPE_KEYS


def case_design(rng):
    """A single sample (m = 1) and several (not the example's m, which is not scored)."""
    return [("a single sample", {"m": 1}), ("several samples", {"m": int(rng.choice([2, 3, 5, 6, 7, 8]))})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
