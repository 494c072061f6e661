_s = network_shapes({{ m }})
assert isinstance(_s, dict) and set(_s) >= {"X", "W_h", "b_h", "W_o", "b_o", "Y"}, "a dict with the six shapes"
print("form ok")
{{ selfcheck }}
{% set ex = {"m": 12} %}{% set ans = reference(ex) -%}
_selfcheck(network_shapes({{ ex.m }}), {{ ans.shapes }}, "network_shapes({{ ex.m }})")
