_p = separable_params({{ c_in }}, {{ c_out }}, {{ kernel_size }})
assert isinstance(_p, dict) and set(_p) >= {"standard", "depthwise", "pointwise", "separable"}, "return a dict with the four counts"
print("form ok")
{{ selfcheck }}
_selfcheck(separable_params({{ example.c_in }}, {{ example.c_out }}, {{ example.kernel_size }}), {{ example_answer._all() }},
           "separable_params({{ example.c_in }}, {{ example.c_out }}, {{ example.kernel_size }})")
