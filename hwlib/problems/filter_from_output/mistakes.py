"""Known wrong answers of filter_from_output (hw2.q2b); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "flipped_filter",
        "score": 0,
        "phrase": "filter reversed",
        "sample": "flipped_filter",
        "why": ('True convolution instead of cross-correlation returns the filter reversed; the '
                'checker only draws non-palindromic filters, so all 4 cases fail.'),
        "code": '''\
import numpy as np

def filter_from_output(x, y):
    """Length-3 filter w with y[i] = sum_j w[j] x[i + j] (cross-correlation, no flip)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    k = len(x) - len(y) + 1
    # textbook convolution: the window is read backwards
    A = np.array([x[i:i + k][::-1] for i in range(len(y))])
    w, *_ = np.linalg.lstsq(A, y, rcond=None)
    return w
''',
    },
]
