import numpy as np
_dx = meanonly_bn_backward({{ dy }}, {{ gamma }})
assert np.shape(_dx) == ({{ dy|length }},), f"expected {{ dy|length }} values, got shape {np.shape(_dx)}"
print("form ok")
{{ selfcheck }}
_selfcheck(list(meanonly_bn_backward({{ example.dy }}, {{ example.gamma }})), {{ example_answer.dx }},
           "meanonly_bn_backward({{ example.dy }}, {{ example.gamma }})")
