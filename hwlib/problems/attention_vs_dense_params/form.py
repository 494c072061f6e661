assert isinstance(attention_param_formulas, dict), "attention_param_formulas should be a dict"
assert all(isinstance(attention_param_formulas.get(k), str) for k in ("attention_weights", "attention_biases", "dense_weights", "dense_biases")), "four formula strings"
assert all(isinstance(attention_param_formulas.get(k), int) for k in ("attention_total", "dense_total")), "two integer totals for your D and N"
print("form ok")
