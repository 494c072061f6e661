_p = separable_params(3, 4, 3)
assert isinstance(_p, dict) and set(_p) >= {"standard", "depthwise", "pointwise", "separable"}, "return a dict with the four counts"
print("form ok")
