import numpy as np
_w = filter_from_output([1, 4, 0, -2, 3], [-2, 2, 11])
assert np.shape(_w) == (3,), f"expected three numbers, got shape {np.shape(_w)}"
print("form ok:", _w)
