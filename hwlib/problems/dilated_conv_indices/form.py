_idx = dilated_input_indices({{ kernel_size }}, {{ dilation }}, {{ stride }}, 1)
assert isinstance(_idx, list) and len(_idx) == {{ kernel_size }}, "one index per kernel tap"
print("form ok:", _idx)
