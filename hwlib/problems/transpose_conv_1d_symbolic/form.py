_out = transpose_conv1d_symbolic({{ inputs }}, {{ kernel }}, {{ stride }})
assert isinstance(_out, list) and all(isinstance(t, str) for t in _out), "return a list of strings"
assert len(_out) == {{ answer.value|length }}, f"expected {{ answer.value|length }} entries, got {len(_out)}"
print("form ok:", _out)
{{ selfcheck }}
{% set ex = {"inputs": ["a", "b"], "kernel": ["u", "v", "w", "t"], "stride": 2} -%}
_ex = ({{ ex.inputs }}, {{ ex.kernel }}, {{ ex.stride }})
_want = {{ reference(ex) }}
_got = transpose_conv1d_symbolic(*_ex)
_values = {"a": 1.3, "b": -0.7, "u": 2.1, "v": 0.45, "w": -1.9, "t": 0.6}


def _value(text):
    """A formula's value at the numbers above (None when it is not a formula in a, b, u, v, w, t)."""
    try:
        return eval(str(text).replace("^", "**"), {"__builtins__": {}}, dict(_values))
    except Exception:
        return None


_selfcheck([_value(t) for t in _got] if isinstance(_got, list) else _got, [_value(t) for t in _want],
           f"transpose_conv1d_symbolic{_ex} should be {_want} (terms in any order); each entry "
           f"evaluated at {_values}")
