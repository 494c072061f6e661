import numpy as np
_rng = np.random.default_rng(1)
_Y = relu_network(_rng.normal(size=(4, 10)), _rng.normal(size=(10, 50)), np.zeros((1, 50)),
                  _rng.normal(size=(50, 3)), np.zeros((1, 3)))
assert np.shape(_Y) == (4, 3), f"expected shape (4, 3), got {np.shape(_Y)}"
print("form ok")
{{ selfcheck }}
{% set ex = {"m": 3, "seed": 2147483659} -%}
# The public example's inputs: standard normal draws from seed {{ ex.seed }} (X, W_h, b_h, W_o, b_o, in that order).
_rng = np.random.default_rng({{ ex.seed }})
_inputs = [_rng.standard_normal((3, 10)), _rng.standard_normal((10, 50)) * np.sqrt(2 / 10),
           _rng.standard_normal((1, 50)) * 0.1, _rng.standard_normal((50, 3)) * np.sqrt(2 / 50),
           _rng.standard_normal((1, 3)) * 0.1]
_selfcheck(np.asarray(relu_network(*_inputs)).tolist(), {{ reference(ex).Y }},
           "relu_network(X, W_h, b_h, W_o, b_o) on the draws from seed {{ ex.seed }}")
