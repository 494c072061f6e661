"""Check of hw2.q2c: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_array
from hwlib.grading.known_mistakes import diagnose_from_mistakes

compare = _cmp_array


def case_design(rng):
    """Every regime: stride 1, 2 and 3; padding 0, 1 and 2; non-square input and
    kernel (rows and columns not swappable); entries drawn from rng."""
    def case(xs, ws, stride, padding):
        return {"x": rng.integers(-3, 4, xs).tolist(), "w": rng.integers(-2, 3, ws).tolist(),
                "stride": stride, "padding": padding}
    return [("stride 1, no padding", case((2, 3), (3, 2), 1, 0)),
            ("stride 2, no padding", case((3, 2), (2, 3), 2, 0)),
            ("stride 1, padding 1", case((3, 3), (3, 2), 1, 1)),
            ("stride 2, padding 1", case((2, 3), (3, 3), 2, 1)),
            ("stride 3, padding 2", case((3, 2), (3, 4), 3, 2))]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
