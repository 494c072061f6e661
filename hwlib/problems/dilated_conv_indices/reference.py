"""Reference: A dilated, strided 1D convolution written out (dilation = zeros inserted)."""
from hwlib import conv

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"kernel_size": 7, "dilation": 2, "stride": 3, "convention": "zeros"}

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"kernel_size": 1, "stride": 1}


def sample(rng):
    return {"kernel_size": int(rng.integers(2, 8)), "dilation": int(rng.integers(0, 4)),
            "stride": int(rng.integers(1, 5)), "convention": "zeros"}


def solve(kernel_size, dilation, stride, convention):
    return {"formula": conv.dilated_conv_formula(kernel_size, dilation, stride, convention),
            "tap_offsets": conv.tap_offsets(kernel_size, dilation, convention),
            "torch_dilation": conv.dilation_spacing(dilation, convention)}
