_p = conv1d_params(3, [[3, 4], [5, 10]])
assert isinstance(_p, list) and len(_p) == 2 and all(len(r) == 2 for r in _p), "one [weights, biases] pair per layer"
print("form ok")
