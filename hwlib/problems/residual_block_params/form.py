_n = bn_relu_conv_params({{ channels }}, {{ kernel_size }})
assert isinstance(_n, int), "an integer count"
print("form ok")
