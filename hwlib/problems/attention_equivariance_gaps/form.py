_g = equivariance_gaps({{ D }}, {{ N }}, {{ seed }}, {{ perm }})
assert isinstance(_g, dict) and len(_g) >= 4, "a dict with the four entries"
assert isinstance(_g["equivariant"], bool), "equivariant should be True or False"
print("form ok")
{{ selfcheck }}
{% set ex = {"D": 10, "N": 4, "seed": 2147483659, "perm": [3, 1, 0, 2]} %}{% set ans = reference(ex) -%}
_selfcheck(equivariance_gaps({{ ex.D }}, {{ ex.N }}, {{ ex.seed }}, {{ ex.perm }}),
           {"max_abs_diff": 0.0, "max_abs_diff_with_positional_encoding": {{ ans.max_abs_diff_with_positional_encoding }},
            "equivariant": {{ ans.equivariant }}, "equivariant_with_positional_encoding": {{ ans.equivariant_with_positional_encoding }}},
           "equivariance_gaps({{ ex.D }}, {{ ex.N }}, {{ ex.seed }}, {{ ex.perm }}) (max_abs_diff: 0 up to rounding)")
