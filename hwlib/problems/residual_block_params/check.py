"""Check of hw3.q4: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_exact
from hwlib.grading.known_mistakes import diagnose_from_mistakes

compare = _cmp_exact


def case_design(rng):
    """Kernel size 1 and > 1, few and many channels."""
    return [("a 1x1 kernel", {"channels": int(rng.choice([16, 64])), "kernel_size": 1}),
            ("a 5x5 kernel", {"channels": int(rng.choice([32, 128])), "kernel_size": 5}),
            ("one channel", {"channels": 1, "kernel_size": 3})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
