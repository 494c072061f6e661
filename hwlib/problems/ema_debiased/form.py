import numpy as np
_out = ema_debiased({{ xs }}, {{ beta }})
assert np.shape(_out) == ({{ xs|length }},), f"expected one value per input, got shape {np.shape(_out)}"
print("form ok:", np.round(_out, 4))
{{ selfcheck }}
_selfcheck(ema_debiased({{ example.xs }}, {{ example.beta }}), {{ example_answer.debiased }},
           "ema_debiased({{ example.xs }}, {{ example.beta }})")
