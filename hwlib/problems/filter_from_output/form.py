import numpy as np
_w = filter_from_output({{ x }}, {{ y }})
assert np.shape(_w) == (3,), f"expected three numbers, got shape {np.shape(_w)}"
print("form ok:", _w)
{{ selfcheck }}
_selfcheck(list(filter_from_output({{ example.x }}, {{ example.y }})), {{ example_answer.value }},
           "filter_from_output({{ example.x }}, {{ example.y }})")
