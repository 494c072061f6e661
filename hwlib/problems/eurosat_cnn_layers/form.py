_s = eurosat_cnn_summary({{ channels }}, {{ hidden }}, {{ size }}, {{ classes }})
assert isinstance(_s, dict) and set(_s) >= {"outputs", "params", "total", "total_bn"}, "return a dict with the four keys"
assert len(_s["outputs"]) == 13 and len(_s["params"]) == 13, "one entry per layer (13 layers)"
print("form ok")
