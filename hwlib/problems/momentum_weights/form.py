_w = momentum_weights({{ t }}, {{ beta }})
assert len(_w) == {{ t + 1 }}, "t + 1 weights"
print("form ok")
{{ selfcheck }}
_selfcheck(list(momentum_weights({{ example.t }}, {{ example.beta }})), {{ example_answer.weights }},
           "momentum_weights({{ example.t }}, {{ example.beta }})")
