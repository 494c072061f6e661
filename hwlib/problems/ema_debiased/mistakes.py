"""Known wrong answers of ema_debiased (hw1.p1); the format: docs/add-a-problem.md."""

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
