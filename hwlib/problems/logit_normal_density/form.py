assert isinstance(p_x, str) and "x" in p_x, "p_x is a formula string in x"
print("form ok")
