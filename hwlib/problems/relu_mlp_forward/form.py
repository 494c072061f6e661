import numpy as np
_rng = np.random.default_rng(1)
_Y = relu_network(_rng.normal(size=(4, 10)), _rng.normal(size=(10, 50)), np.zeros((1, 50)),
                  _rng.normal(size=(50, 3)), np.zeros((1, 3)))
assert np.shape(_Y) == (4, 3), f"expected shape (4, 3), got {np.shape(_Y)}"
print("form ok")
