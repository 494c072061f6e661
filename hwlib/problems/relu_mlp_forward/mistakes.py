"""Known wrong answers of relu_mlp_forward (hw4.q1); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "samples_as_columns",
        "score": 0,
        "phrase": "your function raised",
        "why": ("Samples taken as columns (W X instead of X W): the shapes (50 x 10) and "
                "(m x 10) do not multiply (the grader draws m from 1 to 8)."),
        "code": '''\
import numpy as np

def relu_network(X, W_h, b_h, W_o, b_o):
    X, W_h, b_h, W_o, b_o = (np.asarray(v, dtype=float) for v in (X, W_h, b_h, W_o, b_o))
    hidden = np.maximum(W_h.T @ X + b_h.T, 0.0)      # samples as columns
    return np.maximum(W_o.T @ hidden + b_o.T, 0.0).T
''',
    },
]
