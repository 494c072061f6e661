import numpy as np
_X = {{ X }}
_r = dropout_ridge(_X, {{ y }}, {{ w }}, {{ p }})
assert isinstance(_r, dict), "return a dict"
assert np.shape(_r["X_tilde"]) == ({{ X|length }}, {{ X[0]|length }}) and np.shape(_r["ridge_weights"]) == ({{ w|length }},)
print("form ok")
{{ selfcheck }}
{% set ex = {"X": [[2.0, 1.0], [0.0, 3.0], [1.0, -1.0], [-2.0, 2.0]], "y": [1.0, 0.0, 2.0, -1.0], "w": [0.4, -0.6], "p": 0.6} %}{% set ans = reference(ex) -%}
_r = dropout_ridge({{ ex.X }}, {{ ex.y }}, {{ ex.w }}, {{ ex.p }})
_selfcheck({k: np.asarray(_r[k]).tolist() for k in ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms")},
           {"expected_loss": {{ ans.expected_loss }}, "ridge_weights": {{ ans.ridge_weights }},
            "X_tilde": {{ ans.X_tilde }}, "effective_column_norms": {{ ans.effective_column_norms }}},
           "dropout_ridge({{ ex.X }}, {{ ex.y }}, {{ ex.w }}, {{ ex.p }})")
