_b = count_params_bottleneck({{ c_outer }}, {{ c_inner }})
assert isinstance(_b, dict) and len(_b["sequences"]) == 3 and "total" in _b, "sequences (3 counts) and total"
print("form ok")
{{ selfcheck }}
{% set ex = {"c_outer": 96, "c_inner": 24} %}{% set ans = reference(ex) -%}
_selfcheck(count_params_bottleneck({{ ex.c_outer }}, {{ ex.c_inner }}), {"sequences": {{ ans.sequences }}, "total": {{ ans.total }}},
           "count_params_bottleneck({{ ex.c_outer }}, {{ ex.c_inner }})")
