"""Known wrong answers of meanonly_bn_backward (hw2.q4).

Each is the answer cell a student with that misconception would write. On every
grading run it must score exactly ``score`` (a fraction of the problem's points)
and its feedback must contain ``phrase`` (tests/test_problems.py checks both).
``sample`` names the bundled sample submission made from it (build_samples.py).
"""

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
