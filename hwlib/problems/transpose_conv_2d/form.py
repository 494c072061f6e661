import numpy as np
_y = transpose_conv2d([[-1, 2], [3, 1]], [[1, -1], [0, 1]], 1, 0)
assert np.shape(_y) == (3, 3), f"expected a 3x3 output, got shape {np.shape(_y)}"
print("form ok")
