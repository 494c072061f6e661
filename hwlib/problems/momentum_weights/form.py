_w = momentum_weights(4, 0.9)
assert len(_w) == 5, "t + 1 weights"
print("form ok")
