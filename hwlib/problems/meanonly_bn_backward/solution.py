import numpy as np

def meanonly_bn_backward(dy, gamma):
    """dL/dx for y_i = gamma (x_i - mean x) + beta, given the upstream gradients dy = dL/dy."""
    ### BEGIN SOLUTION
    g = np.asarray(dy, dtype=float)
    return gamma * (g - g.mean())
    ### END SOLUTION
