import numpy as np
_pe = positional_encoding({{ n_positions }}, {{ d }})
assert np.shape(_pe) == ({{ n_positions }}, {{ d }}), f"expected shape ({{ n_positions }}, {{ d }}), got {np.shape(_pe)}"
print("form ok")
{{ selfcheck }}
{% set ex = {"n_positions": 24, "d": 4} -%}
# Rows 21 to 23 of the table (positions no statement's table reaches).
_selfcheck(np.asarray(positional_encoding({{ ex.n_positions }}, {{ ex.d }}))[21:].tolist(), {{ reference(ex)[21:] }},
           "positional_encoding({{ ex.n_positions }}, {{ ex.d }}), rows 21 to 23")
