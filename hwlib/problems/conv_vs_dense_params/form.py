assert isinstance(param_formulas, dict), "param_formulas should be a dict"
assert all(isinstance(param_formulas.get(k), str) for k in ("conv", "dense")), "two strings: conv and dense"
print("form ok")
