import numpy as np
_out = shift_check([1, 2, 0, -1, 3, 0, 0, 0], [1, -1, 2, 0, 0, 0, 0, 0], 3)
assert isinstance(_out, dict) and set(_out) >= {"conv_of_shifted", "shifted_conv"}, "return a dict with both keys"
assert np.shape(_out["conv_of_shifted"]) == (8,) and np.shape(_out["shifted_conv"]) == (8,)
print("form ok")
