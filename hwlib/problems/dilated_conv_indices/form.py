_idx = dilated_input_indices(7, 2, 3, 1)
assert isinstance(_idx, list) and len(_idx) == 7, "one index per kernel tap"
print("form ok:", _idx)
