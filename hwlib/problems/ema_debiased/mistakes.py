"""Known wrong answers of ema_debiased (hw1.p1).

Each is the answer cell a student with that misconception would write. On every
grading run it must score exactly ``score`` (a fraction of the problem's points)
and its feedback must contain ``phrase`` (tests/test_problems.py checks both).
``sample`` names the bundled sample submission made from it (build_samples.py).
"""

MISTAKES = [
    {
        "name": "ema_no_debias",
        "score": 0,
        "phrase": "without bias correction",
        "sample": "ema_no_debias",
        "why": ('Every case fails: the first raw average is (1-beta) x_1, not x_1.'),
        "code": '''\
import numpy as np

def ema_debiased(xs, beta):
    """Bias-corrected EMA: list of mu_t / (1 - beta**t) for t = 1..n, mu_0 = 0."""
    mu, out = 0.0, []
    for x in xs:
        mu = beta * mu + (1 - beta) * x
        out.append(mu)          # forgot to divide by 1 - beta**t
    return out
''',
    },
]
