"""Input checks shared by the topic modules (each raises ValueError naming the input)."""
import numpy as np


def positive_int(value, name: str) -> int:
    """``value`` as an int when it is a whole number >= 1 (bools and strings refused)."""
    numeric = isinstance(value, (int, float, np.integer, np.floating))
    if (isinstance(value, (bool, np.bool_)) or not numeric
            or not float(value).is_integer() or value < 1):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
