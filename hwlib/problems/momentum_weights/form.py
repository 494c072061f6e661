_w = momentum_weights({{ t }}, {{ beta }})
assert len(_w) == {{ t + 1 }}, "t + 1 weights"
print("form ok")
{{ selfcheck }}
{% set ex = {"t": 12, "beta": 0.7} -%}
_selfcheck(list(momentum_weights({{ ex.t }}, {{ ex.beta }})), {{ reference(ex).weights }},
           "momentum_weights({{ ex.t }}, {{ ex.beta }})")
