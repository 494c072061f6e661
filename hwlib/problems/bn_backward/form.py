import numpy as np
_r = bn_backward([1.0, 2.0, 4.0], [0.1, -0.2, 0.3], 1.5, 1e-5)
assert isinstance(_r, dict) and set(_r) >= {"dx", "dgamma", "dbeta"}, "a dict with dx, dgamma, dbeta"
assert np.shape(_r["dx"]) == (3,), "dx has one entry per sample"
print("form ok")
