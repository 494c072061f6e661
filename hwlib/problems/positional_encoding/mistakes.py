"""Known wrong answers of positional_encoding (hw1.p3b); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "sin_cos_swapped",
        "score": 0,
        "phrase": "sine and cosine are swapped",
        "hint": "sine and cosine are swapped: even columns take sin, odd columns cos",
        "why": ('Cosine on the even columns and sine on the odd ones: row 0 (position 0) gives '
                '1 where sin(0) = 0, in every case.'),
        "code": '''\
import numpy as np

def positional_encoding(n_positions, d):
    pos = np.arange(n_positions, dtype=float)[:, None]
    angles = pos * 10000.0 ** (-np.arange(0, d, 2) / d)
    pe = np.zeros((n_positions, d))
    pe[:, 0::2] = np.cos(angles)     # sin and cos swapped
    pe[:, 1::2] = np.sin(angles)
    return pe
''',
    },
]
