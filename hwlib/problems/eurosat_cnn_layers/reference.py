"""Reference: The EuroSAT CNN of seed 000: output size and parameters per layer, with and without BN."""
from hwlib import params

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"channels": [32, 64, 128, 256, 512], "hidden": 256, "size": 64, "classes": 10}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"channels": 1, "hidden": 1, "size": 1, "classes": 1}


def sample(rng):
    base = int(rng.choice([8, 16, 32]))
    return {"channels": [base * 2 ** i for i in range(5)], "hidden": int(rng.choice([64, 128, 256])),
            "size": 64, "classes": 10}


def solve(channels, hidden, size, classes):
    plain = params.eurosat_cnn_layers(False, channels, size=size, hidden=hidden, classes=classes)
    with_bn = params.eurosat_cnn_layers(True, channels, size=size, hidden=hidden, classes=classes)
    return {"layers": plain["layers"], "layers_bn": with_bn["layers"],
            "total": plain["total"], "total_bn": with_bn["total"]}
