import numpy as np

def bn_backward(x, dy, gamma, eps):
    """Gradients of batch norm (biased batch variance) w.r.t. x, gamma and beta."""
    ### BEGIN SOLUTION
    x, g = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    m = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)          # biased: divide by m
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    dxhat = gamma * g
    dvar = -0.5 * np.sum(dxhat * (x - mu), axis=0) * inv_std ** 3
    dmu = -np.sum(dxhat, axis=0) * inv_std
    dx = dxhat * inv_std + dvar * 2.0 * (x - mu) / m + dmu / m
    return {"dx": dx, "dgamma": np.sum(g * xhat, axis=0), "dbeta": np.sum(g, axis=0)}
    ### END SOLUTION
