"""Reference: Epochs covered by a number of SGD iterations."""
from hwlib import optim

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"iterations": 1000, "dataset_size": 100, "batch_size": 20, "drop_last": False}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"dataset_size": 1, "batch_size": 1}


def sample(rng):
    dataset_size = int(rng.integers(10, 1000))
    # a batch no larger than the data set: with drop_last an epoch needs one full batch
    return {"iterations": int(rng.integers(1, 5000)), "dataset_size": dataset_size,
            "batch_size": int(rng.integers(1, min(64, dataset_size + 1))),
            "drop_last": bool(rng.integers(0, 2))}


def solve(iterations, dataset_size, batch_size, drop_last):
    return optim.epochs_from_iterations(iterations, dataset_size, batch_size, drop_last)
