import numpy as np
_X = [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 0.0, 1.0], [1.0, -1.0, 2.0], [3.0, 1.0, -1.0]]
_r = dropout_ridge(_X, [1.0, 0.0, 2.0, 1.0, 3.0], [0.5, -1.0, 0.25], 0.8)
assert isinstance(_r, dict), "return a dict"
assert np.shape(_r["X_tilde"]) == (5, 3) and np.shape(_r["ridge_weights"]) == (3,)
print("form ok")
