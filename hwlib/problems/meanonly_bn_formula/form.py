assert isinstance(meanonly_bn_formula, str), "the formula is a string"
print("form ok")
