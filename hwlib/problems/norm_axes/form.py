_axes = norm_axes("{{ layout }}")
assert isinstance(_axes, dict) and set(_axes) >= {"batch_norm", "layer_norm"}, "return a dict with both keys"
assert all(isinstance(a, int) for a in _axes["batch_norm"] + _axes["layer_norm"]), "axes are integers"
print("form ok")
{{ selfcheck }}
_ex = norm_axes("HWNC")
_selfcheck({k: sorted(_ex[k]) for k in ("batch_norm", "layer_norm")},
           {"batch_norm": [0, 1, 2], "layer_norm": [0, 1, 3]}, 'norm_axes("HWNC")')
