import numpy as np
_pe = positional_encoding({{ n_positions }}, {{ d }})
assert np.shape(_pe) == ({{ n_positions }}, {{ d }}), f"expected shape ({{ n_positions }}, {{ d }}), got {np.shape(_pe)}"
print("form ok")
