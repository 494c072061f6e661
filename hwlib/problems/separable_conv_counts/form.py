assert isinstance(separable_counts, dict), "separable_counts should be a dict"
assert all(isinstance(separable_counts.get(k), int) for k in ("standard", "depthwise", "pointwise", "separable")), "four integer counts: standard, depthwise, pointwise, separable"
print("form ok")
