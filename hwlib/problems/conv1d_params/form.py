_p = conv1d_params({{ in_channels }}, {{ layers }})
assert isinstance(_p, list) and len(_p) == {{ layers|length }} and all(len(r) == 2 for r in _p), "one [weights, biases] pair per layer"
print("form ok")
{{ selfcheck }}
{% set ex = {"in_channels": 12, "layers": [[2, 6], [4, 20]]} %}{% set ans = reference(ex) -%}
_selfcheck(conv1d_params({{ ex.in_channels }}, {{ ex.layers }}), [{% for r in ans.layers %}[{{ r.weights }}, {{ r.biases }}]{{ ", " if not loop.last }}{% endfor %}],
           "conv1d_params({{ ex.in_channels }}, {{ ex.layers }})")
