_s = eurosat_cnn_summary({{ channels }}, {{ hidden }}, {{ size }}, {{ classes }})
assert isinstance(_s, dict) and set(_s) >= {"outputs", "params", "total", "total_bn"}, "return a dict with the four keys"
assert len(_s["outputs"]) == 13 and len(_s["params"]) == 13, "one entry per layer (13 layers)"
print("form ok")
{{ selfcheck }}
{% set ex = {"channels": [6, 12, 24, 48, 96], "hidden": 40, "size": 32, "classes": 5} %}{% set ans = reference(ex) -%}
_s = eurosat_cnn_summary({{ ex.channels }}, {{ ex.hidden }}, {{ ex.size }}, {{ ex.classes }})
_selfcheck({k: _s[k] for k in ("outputs", "params", "total", "total_bn")},
           {"outputs": [{% for r in ans.layers[1:] %}{{ r.output }}{{ ", " if not loop.last }}{% endfor %}],
            "params": [{% for r in ans.layers[1:] %}{{ r.params }}{{ ", " if not loop.last }}{% endfor %}],
            "total": {{ ans.total }}, "total_bn": {{ ans.total_bn }}},
           "eurosat_cnn_summary({{ ex.channels }}, {{ ex.hidden }}, {{ ex.size }}, {{ ex.classes }})")
