_n = bn_relu_conv_params({{ channels }}, {{ kernel_size }})
assert isinstance(_n, int), "an integer count"
print("form ok")
{{ selfcheck }}
{% set ex = {"channels": 48, "kernel_size": 7} -%}
_selfcheck(bn_relu_conv_params({{ ex.channels }}, {{ ex.kernel_size }}), {{ reference(ex) }},
           "bn_relu_conv_params({{ ex.channels }}, {{ ex.kernel_size }})")
