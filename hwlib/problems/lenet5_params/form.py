_l = lenet5_params({{ in_size }}, {{ classes }})
assert isinstance(_l, dict) and len(_l["layers"]) == 5 and "total" in _l, "five layer counts and a total"
print("form ok")
{{ selfcheck }}
{% set ex = {"in_size": 28, "classes": 150} %}{% set ans = reference(ex) -%}
import hashlib as _hashlib
import json as _json

# conv1, conv2, fc1 and fc2 do not depend on the number of classes: on 28x28 inputs they
# are the graded counts themselves, so they are compared through a hash, not printed.
_l = lenet5_params({{ ex.in_size }}, {{ ex.classes }})
_layers = list(_l["layers"]) if isinstance(_l, dict) else []
_hashes = {{ ans.layers[:4]|map(attribute="params")|map("digest", "lenet5")|list }}
for _i, (_name, _hash) in enumerate(zip(("conv1", "conv2", "fc1", "fc2"), _hashes)):
    _got = _layers[_i] if _i < len(_layers) else None
    _ok = _got is not None and _hashlib.sha256(f"lenet5:{_json.dumps(int(_got))}".encode()).hexdigest()[:16] == _hash
    assert _ok, f"public example lenet5_params({{ ex.in_size }}, {{ ex.classes }}): the {_name} count {_got!r} is wrong"
_selfcheck(_layers[4:], [{{ ans.layers[4].params }}], "lenet5_params({{ ex.in_size }}, {{ ex.classes }}), the fc3 count")
