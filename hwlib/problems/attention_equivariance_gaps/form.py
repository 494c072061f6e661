_g = equivariance_gaps({{ D }}, {{ N }}, {{ seed }}, {{ perm }})
assert isinstance(_g, dict) and len(_g) >= 4, "a dict with the four entries"
assert isinstance(_g["equivariant"], bool), "equivariant should be True or False"
print("form ok")
