_p = conv1d_params({{ in_channels }}, {{ layers }})
assert isinstance(_p, list) and len(_p) == {{ layers|length }} and all(len(r) == 2 for r in _p), "one [weights, biases] pair per layer"
print("form ok")
