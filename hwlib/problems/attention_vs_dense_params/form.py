assert isinstance(attention_param_formulas, dict) and len(attention_param_formulas) == 4, "a dict of four formulas"
assert all(isinstance(v, str) for v in attention_param_formulas.values()), "formulas are strings"
print("form ok")
