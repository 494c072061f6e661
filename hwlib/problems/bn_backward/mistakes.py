"""Known wrong answers of bn_backward (hw4.q3); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "bn_unbiased_var",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['dbeta'],
        "score": Fraction(1, 3),
        "phrase": "unbiased variance",
        "sample": "bn_unbiased_var",
        "why": ('Variance divided by m - 1: dx and dgamma are wrong on every case (m >= 2), dbeta '
                '= sum(dy) is still right: 1 of 3 checks per case.'),
        "code": '''\
import numpy as np

def bn_backward(x, dy, gamma, eps):
    """Gradients of batch norm (biased batch variance) w.r.t. x, gamma and beta."""
    x, g = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    m = x.shape[0]
    mu = x.mean()
    var = x.var(ddof=1)                     # sample variance
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    dxhat = gamma * g
    dvar = -0.5 * np.sum(dxhat * (x - mu)) * inv_std ** 3
    dmu = -np.sum(dxhat) * inv_std
    dx = dxhat * inv_std + dvar * 2.0 * (x - mu) / m + dmu / m
    return {"dx": dx, "dgamma": np.sum(g * xhat), "dbeta": np.sum(g)}
''',
    },
]
