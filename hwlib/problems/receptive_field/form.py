_rf = receptive_field([7, 7, 7], [1, 1, 1], [0, 0, 0])
assert isinstance(_rf, int), f"expected an int, got {type(_rf).__name__}"
print("form ok")
