_axes = norm_axes("{{ layout }}")
assert isinstance(_axes, dict) and set(_axes) >= {"batch_norm", "layer_norm"}, "return a dict with both keys"
assert all(isinstance(a, int) for a in _axes["batch_norm"] + _axes["layer_norm"]), "axes are integers"
print("form ok")
