_rf = receptive_field({{ kernel_sizes }}, {{ strides }}, {{ dilations }})
assert isinstance(_rf, int), f"expected an int, got {type(_rf).__name__}"
print("form ok")
