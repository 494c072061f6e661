import numpy as np
_out = ema_debiased([4.0, 6.0, 5.0, 7.0, 3.0], 0.9)
assert np.shape(_out) == (5,), f"expected one value per input, got shape {np.shape(_out)}"
print("form ok:", np.round(_out, 4))
