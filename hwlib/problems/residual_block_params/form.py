_n = bn_relu_conv_params(512, 3)
assert isinstance(_n, int), "an integer count"
print("form ok")
