_w = momentum_weights({{ t }}, {{ beta }})
assert len(_w) == {{ t + 1 }}, "t + 1 weights"
print("form ok")
