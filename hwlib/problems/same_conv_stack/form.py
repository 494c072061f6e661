_r = same_conv_stack({{ in_shape }}, {{ channels }}, {{ kernel_size }}, {{ stride }})
assert isinstance(_r, dict) and len(_r["params"]) == {{ channels|length }} and len(_r["outputs"]) == {{ channels|length }}, "three layers"
print("form ok")
{{ selfcheck }}
{% set ex = {"in_shape": [1, 9, 14], "channels": [2, 5], "kernel_size": 5, "stride": 3} %}{% set ans = reference(ex) -%}
_selfcheck(same_conv_stack({{ ex.in_shape }}, {{ ex.channels }}, {{ ex.kernel_size }}, {{ ex.stride }}),
           {"params": [{% for r in ans.layers %}{{ r.params }}{{ ", " if not loop.last }}{% endfor %}],
            "outputs": [{% for r in ans.layers %}{{ r.output }}{{ ", " if not loop.last }}{% endfor %}], "total": {{ ans.total }}},
           "same_conv_stack({{ ex.in_shape }}, {{ ex.channels }}, {{ ex.kernel_size }}, {{ ex.stride }})")
