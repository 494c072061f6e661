_n = bn_relu_conv_params({{ channels }}, {{ kernel_size }})
assert isinstance(_n, int), "an integer count"
print("form ok")
{{ selfcheck }}
_selfcheck(bn_relu_conv_params({{ example.channels }}, {{ example.kernel_size }}), {{ example_answer.value }},
           "bn_relu_conv_params({{ example.channels }}, {{ example.kernel_size }})")
