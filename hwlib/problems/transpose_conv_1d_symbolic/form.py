_out = transpose_conv1d_symbolic({{ inputs }}, {{ kernel }}, {{ stride }})
assert isinstance(_out, list) and all(isinstance(t, str) for t in _out), "return a list of strings"
assert len(_out) == {{ answer.value|length }}, f"expected {{ answer.value|length }} entries, got {len(_out)}"
print("form ok:", _out)
