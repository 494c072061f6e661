_rf = receptive_field({{ kernel_sizes }}, {{ strides }}, {{ dilations }})
assert isinstance(_rf, int), f"expected an int, got {type(_rf).__name__}"
print("form ok")
{{ selfcheck }}
_selfcheck(receptive_field({{ example.kernel_sizes }}, {{ example.strides }}, {{ example.dilations }}), {{ example_answer.value }},
           "receptive_field({{ example.kernel_sizes }}, {{ example.strides }}, {{ example.dilations }})")
