_p = separable_params({{ c_in }}, {{ c_out }}, {{ kernel_size }})
assert isinstance(_p, dict) and set(_p) >= {"standard", "depthwise", "pointwise", "separable"}, "return a dict with the four counts"
print("form ok")
{{ selfcheck }}
{% set ex = {"c_in": 20, "c_out": 6, "kernel_size": 3} -%}
_selfcheck(separable_params({{ ex.c_in }}, {{ ex.c_out }}, {{ ex.kernel_size }}), {{ reference(ex) }},
           "separable_params({{ ex.c_in }}, {{ ex.c_out }}, {{ ex.kernel_size }})")
