"""Known wrong answers of transpose_conv_2d (hw2.q2c); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "transpose_handworked",
        "score": 0,
        "phrase": "this is the statement's example worked by hand",
        "hint": ("this is the statement's example worked by hand: compute the output from the "
                 "arguments"),
        "sample": "transpose_handworked",
        "why": ("The seed example's answer worked by hand and hard-coded: wrong at (0,1), (1,0), "
                '(2,1) on the seed example (which is not scored anyway) and wrong shape or values '
                'on every designed and random case, so it scores 0.'),
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
    {
        "name": "padding_ignored",
        "score": 0,
        "phrase": "the padding was not cropped",
        "hint": ("the padding was not cropped: remove padding rows and columns from each side of "
                 "the full output"),
        "why": ("The full scatter-add output is returned without cropping `padding` rows and "
                "columns from each side: right whenever padding is 0, which is why the issue saw "
                "it score 2.25 or 3 of 3 by the luck of the draw. The case design always asks "
                "padding 1 and 2, where the shape is wrong, so it scores 0 on every run."),
        "code": '''\
import numpy as np

def transpose_conv2d(x, w, stride, padding):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (h, wd), (kh, kw) = x.shape, w.shape
    out = np.zeros(((h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            out[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * w
    return out   # padding forgotten
''',
    },
    {
        "name": "stride_ignored",
        "score": 0,
        "phrase": "the stride was ignored",
        "hint": "the stride was ignored: input pixel (i, j) lands at (i*stride, j*stride)",
        "why": ("Every input pixel is placed one step apart whatever the stride: right whenever "
                "stride is 1; the case design always asks stride 2 and 3, so it scores 0."),
        "code": '''\
import numpy as np

def transpose_conv2d(x, w, stride, padding):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (h, wd), (kh, kw) = x.shape, w.shape
    out = np.zeros((h - 1 + kh, wd - 1 + kw))
    for i in range(h):
        for j in range(wd):
            out[i:i + kh, j:j + kw] += x[i, j] * w   # stride forgotten
    return out[padding:out.shape[0] - padding, padding:out.shape[1] - padding]
''',
    },
]
