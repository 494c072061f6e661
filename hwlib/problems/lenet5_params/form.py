_l = lenet5_params({{ in_size }}, {{ classes }})
assert isinstance(_l, dict) and len(_l["layers"]) == 5 and "total" in _l, "five layer counts and a total"
print("form ok")
{{ selfcheck }}
{% set ex = {"in_size": 28, "classes": 150} %}{% set ans = reference(ex) -%}
_selfcheck(lenet5_params({{ ex.in_size }}, {{ ex.classes }}),
           {"layers": [{% for r in ans.layers %}{{ r.params }}{{ ", " if not loop.last }}{% endfor %}], "total": {{ ans.total }}},
           "lenet5_params({{ ex.in_size }}, {{ ex.classes }})")
