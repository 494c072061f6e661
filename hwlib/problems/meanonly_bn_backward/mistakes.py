"""Known wrong answers of meanonly_bn_backward (hw2.q4); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "mean_treated_as_constant",
        "score": 0,
        "phrase": "subtract gamma*mean(g)",
        "why": ('The batch mean is treated as a constant: gamma*g_i is wrong whenever mean(g) != '
                '0, and always wrong for a batch of one (the answer there is 0).'),
        "code": '''\
import numpy as np

def meanonly_bn_backward(dy, gamma):
    return gamma * np.asarray(dy, dtype=float)   # the mean depends on x_i too
''',
    },
]
