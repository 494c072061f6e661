import numpy as np
_y = transpose_conv2d({{ x }}, {{ w }}, {{ stride }}, {{ padding }})
assert np.shape(_y) == ({{ answer.value|length }}, {{ answer.value[0]|length }}), f"expected a {{ answer.value|length }}x{{ answer.value[0]|length }} output, got shape {np.shape(_y)}"
print("form ok")
{{ selfcheck }}
_selfcheck(np.asarray(transpose_conv2d({{ example.x }}, {{ example.w }}, {{ example.stride }}, {{ example.padding }})).tolist(), {{ example_answer.value }},
           "transpose_conv2d({{ example.x }}, {{ example.w }}, {{ example.stride }}, {{ example.padding }})")
