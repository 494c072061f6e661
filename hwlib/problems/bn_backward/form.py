import numpy as np
_r = bn_backward([1.0, 2.0, 4.0], [0.1, -0.2, 0.3], 1.5, 1e-5)
assert isinstance(_r, dict) and set(_r) >= {"dx", "dgamma", "dbeta"}, "a dict with dx, dgamma, dbeta"
assert np.shape(_r["dx"]) == (3,), "dx has one entry per sample"
print("form ok")
{{ selfcheck }}
_ex = bn_backward({{ example.x }}, {{ example.dy }}, {{ example.gamma }}, {{ example.eps }})
_selfcheck({"dx": list(_ex["dx"]), "dgamma": _ex["dgamma"], "dbeta": _ex["dbeta"]},
           {"dx": {{ example_answer.dx }}, "dgamma": {{ example_answer.dgamma }}, "dbeta": {{ example_answer.dbeta }}},
           "bn_backward({{ example.x }}, {{ example.dy }}, {{ example.gamma }}, {{ example.eps }})")
