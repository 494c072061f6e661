_r = same_conv_stack({{ in_shape }}, {{ channels }}, {{ kernel_size }}, {{ stride }})
assert isinstance(_r, dict) and len(_r["params"]) == {{ channels|length }} and len(_r["outputs"]) == {{ channels|length }}, "three layers"
print("form ok")
