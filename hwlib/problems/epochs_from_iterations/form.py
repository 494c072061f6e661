_e = epochs({{ iterations }}, {{ dataset_size }}, {{ batch_size }}, {{ drop_last }})
assert isinstance(_e, (int, float)), "a number"
print("form ok")
{{ selfcheck }}
_selfcheck(epochs({{ example.iterations }}, {{ example.dataset_size }}, {{ example.batch_size }}, {{ example.drop_last }}), {{ example_answer.value }},
           "epochs({{ example.iterations }}, {{ example.dataset_size }}, {{ example.batch_size }}, {{ example.drop_last }})")
