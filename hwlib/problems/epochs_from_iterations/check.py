"""Check of hw3.q9: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _as_number, _close, _one
from hwlib.grading.known_mistakes import diagnose_from_mistakes


def compare(sol, got, args):
    return _one(_close(sol, _as_number(got, "the number of epochs")))


def case_design(rng):
    """Batches that divide the data set evenly and not, each with drop_last True and
    False, fewer iterations than one epoch, and a batch of the whole data set."""
    n = int(rng.integers(20, 200))
    b = int(rng.integers(3, 9))
    even = n - n % b
    uneven = even + int(rng.integers(1, b))
    its = int(rng.integers(100, 2000))
    return [("batches divide the data set, drop_last=False", {"iterations": its, "dataset_size": even, "batch_size": b, "drop_last": False}),
            ("batches divide the data set, drop_last=True", {"iterations": its, "dataset_size": even, "batch_size": b, "drop_last": True}),
            ("a partial last batch, drop_last=False", {"iterations": its, "dataset_size": uneven, "batch_size": b, "drop_last": False}),
            ("a partial last batch, drop_last=True", {"iterations": its, "dataset_size": uneven, "batch_size": b, "drop_last": True}),
            ("less than one epoch", {"iterations": 2, "dataset_size": uneven, "batch_size": b, "drop_last": False}),
            ("one batch per epoch", {"iterations": its, "dataset_size": n, "batch_size": n, "drop_last": True})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
