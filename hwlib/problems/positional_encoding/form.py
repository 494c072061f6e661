import numpy as np
_pe = positional_encoding({{ n_positions }}, {{ d }})
assert np.shape(_pe) == ({{ n_positions }}, {{ d }}), f"expected shape ({{ n_positions }}, {{ d }}), got {np.shape(_pe)}"
print("form ok")
{{ selfcheck }}
{% set ex = {"n_positions": 21, "d": 4} -%}
_selfcheck(np.asarray(positional_encoding({{ ex.n_positions }}, {{ ex.d }})).tolist(), {{ reference(ex) }},
           "positional_encoding({{ ex.n_positions }}, {{ ex.d }})")
