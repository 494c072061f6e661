"""Check of hw4.q4: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _key, _parts
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("layers", "total")


def compare(sol, got, args):
    return _parts(
        lambda: _exact([layer["params"] for layer in sol["layers"]], _key(got, "layers"),
                       "params per layer"),
        lambda: _exact(sol["total"], _key(got, "total")))


def case_design(rng):
    """Two classes (the smallest output layer) and many; the input is 28x28 in every case
    (the problem is LeNet-5 on 28x28 inputs, its sampler never varies in_size)."""
    return [("two classes", {"in_size": 28, "classes": 2}),
            ("many classes", {"in_size": 28, "classes": int(rng.integers(11, 101))})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
