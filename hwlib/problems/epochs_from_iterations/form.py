_e = epochs({{ iterations }}, {{ dataset_size }}, {{ batch_size }}, {{ drop_last }})
assert isinstance(_e, (int, float)), "a number"
print("form ok")
