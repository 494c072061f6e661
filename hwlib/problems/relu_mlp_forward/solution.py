import numpy as np

def relu_network(X, W_h, b_h, W_o, b_o):
    """Y = ReLU(ReLU(X W_h + 1 b_h) W_o + 1 b_o), samples as rows."""
    ### BEGIN SOLUTION
    X, W_h, b_h, W_o, b_o = (np.asarray(v, dtype=float) for v in (X, W_h, b_h, W_o, b_o))
    hidden = np.maximum(X @ W_h + b_h, 0.0)
    return np.maximum(hidden @ W_o + b_o, 0.0)
    ### END SOLUTION
