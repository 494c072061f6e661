_e = epochs(1000, 100, 20, False)
assert isinstance(_e, (int, float)), "a number"
print("form ok")
