_l = lenet5_params({{ in_size }}, {{ classes }})
assert isinstance(_l, dict) and len(_l["layers"]) == 5 and "total" in _l, "five layer counts and a total"
print("form ok")
