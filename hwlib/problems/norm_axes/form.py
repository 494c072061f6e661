_axes = norm_axes("{{ layout }}")
assert isinstance(_axes, dict) and set(_axes) >= {"batch_norm", "layer_norm"}, "return a dict with both keys"
assert all(isinstance(a, int) for a in _axes["batch_norm"] + _axes["layer_norm"]), "axes are integers"
print("form ok")
{{ selfcheck }}
_ex = norm_axes("{{ example.layout }}")
_selfcheck({k: sorted(_ex[k]) for k in ("batch_norm", "layer_norm")},
           {"batch_norm": {{ example_answer.batch_norm_axes }}, "layer_norm": {{ example_answer.layer_norm_axes }}},
           'norm_axes("{{ example.layout }}")')
