import numpy as np

def filter_from_output(x, y):
    """Length-3 filter w with y[i] = sum_j w[j] x[i + j] (cross-correlation, no flip)."""
    ### BEGIN SOLUTION
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    k = len(x) - len(y) + 1
    A = np.array([x[i:i + k] for i in range(len(y))])   # row i: the window output i sees
    w, *_ = np.linalg.lstsq(A, y, rcond=None)
    return w
    ### END SOLUTION
