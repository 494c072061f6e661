import numpy as np
_pe = positional_encoding(8, 16)
assert np.shape(_pe) == (8, 16), f"expected shape (8, 16), got {np.shape(_pe)}"
print("form ok")
