_b = count_params_bottleneck({{ c_outer }}, {{ c_inner }})
assert isinstance(_b, dict) and len(_b["sequences"]) == 3 and "total" in _b, "sequences (3 counts) and total"
print("form ok")
{{ selfcheck }}
_selfcheck(count_params_bottleneck({{ example.c_outer }}, {{ example.c_inner }}), {"sequences": {{ example_answer.sequences }}, "total": {{ example_answer.total }}},
           "count_params_bottleneck({{ example.c_outer }}, {{ example.c_inner }})")
