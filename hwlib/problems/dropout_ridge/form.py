import numpy as np
_X = {{ X }}
_r = dropout_ridge(_X, {{ y }}, {{ w }}, {{ p }})
assert isinstance(_r, dict), "return a dict"
assert np.shape(_r["X_tilde"]) == ({{ X|length }}, {{ X[0]|length }}) and np.shape(_r["ridge_weights"]) == ({{ w|length }},)
print("form ok")
