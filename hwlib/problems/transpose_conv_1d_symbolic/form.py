_out = transpose_conv1d_symbolic(["a", "b", "c"], ["x", "y", "z"], 2)
assert isinstance(_out, list) and all(isinstance(t, str) for t in _out), "return a list of strings"
assert len(_out) == 7, f"expected 7 entries, got {len(_out)}"
print("form ok:", _out)
