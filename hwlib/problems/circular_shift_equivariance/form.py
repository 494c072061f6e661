import numpy as np
_out = shift_check({{ f }}, {{ h }}, {{ a }})
assert isinstance(_out, dict) and set(_out) >= {"conv_of_shifted", "shifted_conv"}, "return a dict with both keys"
assert np.shape(_out["conv_of_shifted"]) == ({{ f|length }},) and np.shape(_out["shifted_conv"]) == ({{ f|length }},)
print("form ok")
{{ selfcheck }}
_ex = shift_check({{ example.f }}, {{ example.h }}, {{ example.a }})
_selfcheck({k: list(_ex[k]) for k in ("conv_of_shifted", "shifted_conv")},
           {"conv_of_shifted": {{ example_answer.conv_of_shifted }}, "shifted_conv": {{ example_answer.shifted_conv }}},
           "shift_check({{ example.f }}, {{ example.h }}, {{ example.a }})")
