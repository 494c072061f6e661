import numpy as np

def transpose_conv2d(x, w, stride, padding):
    """2D transpose convolution (scatter-add, no flip); output cropped by padding."""
    ### BEGIN SOLUTION
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (h, wd), (kh, kw) = x.shape, w.shape
    full = np.zeros(((h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            full[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * w
    return full[padding:full.shape[0] - padding, padding:full.shape[1] - padding]
    ### END SOLUTION
