import numpy as np
_dx = meanonly_bn_backward([0.5, -1.0, 2.0, 0.25], 1.5)
assert np.shape(_dx) == (4,), f"expected 4 values, got shape {np.shape(_dx)}"
print("form ok")
