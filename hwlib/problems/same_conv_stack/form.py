_r = same_conv_stack([3, 200, 300], [100, 200, 400], 3, 2)
assert isinstance(_r, dict) and len(_r["params"]) == 3 and len(_r["outputs"]) == 3, "three layers"
print("form ok")
