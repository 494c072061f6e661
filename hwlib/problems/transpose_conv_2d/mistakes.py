"""Known wrong answers of transpose_conv_2d (hw2.q2c); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "transpose_handworked",
        "score": 0,
        "phrase": "entry (0,1) should be 3, got 6",
        "sample": "transpose_handworked",
        "why": ("The seed example's answer worked by hand and hard-coded: wrong at (0,1), (1,0), "
                '(2,1) on the seed example and wrong shape or values on every random case, so all '
                '4 checks fail.'),
        "code": '''\
import numpy as np

def transpose_conv2d(x, w, stride, padding):
    """2D transpose convolution (scatter-add, no flip); output cropped by padding."""
    # worked out on paper for the example of the statement
    return np.array([[-1, 6, -2],
                     [0, -3, 1],
                     [0, 0, 1]])
''',
    },
]
