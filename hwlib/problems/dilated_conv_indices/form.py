_idx = dilated_input_indices({{ kernel_size }}, {{ dilation }}, {{ stride }}, 1)
assert isinstance(_idx, list) and len(_idx) == {{ kernel_size }}, "one index per kernel tap"
print("form ok:", _idx)
{{ selfcheck }}
{% set ex = {"kernel_size": 3, "dilation": 4, "stride": 2} %}{% set k = 3 %}{% set ans = reference(ex) -%}
_selfcheck(dilated_input_indices({{ ex.kernel_size }}, {{ ex.dilation }}, {{ ex.stride }}, {{ k }}),
           [{% for off in ans.tap_offsets %}{{ 1 + ex.stride * (k - 1) + off }}{{ ", " if not loop.last }}{% endfor %}],
           "dilated_input_indices({{ ex.kernel_size }}, {{ ex.dilation }}, {{ ex.stride }}, {{ k }})")
