_e = epochs({{ iterations }}, {{ dataset_size }}, {{ batch_size }}, {{ drop_last }})
assert isinstance(_e, (int, float)), "a number"
print("form ok")
{{ selfcheck }}
{% set ex = {"iterations": 500, "dataset_size": 1030, "batch_size": 100, "drop_last": True} -%}
_selfcheck(epochs({{ ex.iterations }}, {{ ex.dataset_size }}, {{ ex.batch_size }}, {{ ex.drop_last }}), {{ reference(ex) }},
           "epochs({{ ex.iterations }}, {{ ex.dataset_size }}, {{ ex.batch_size }}, {{ ex.drop_last }})")
