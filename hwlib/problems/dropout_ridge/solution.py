import numpy as np

def dropout_ridge(X, y, w, p):
    """Closed-form dropout loss and its ridge-regression equivalents (keep-probability p)."""
    ### BEGIN SOLUTION
    X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
    norms = np.linalg.norm(X, axis=0)
    loss = np.sum((y - p * X @ w) ** 2) + p * (1 - p) * np.sum((norms * w) ** 2)
    gamma = np.sqrt((1 - p) / p) * norms      # diagonal of Gamma for w = p * w~
    X_tilde = X / gamma                        # X Gamma^{-1}: divide column j by Gamma_jj
    return {"expected_loss": loss, "ridge_weights": p * w, "X_tilde": X_tilde,
            "effective_column_norms": np.linalg.norm(X_tilde, axis=0)}
    ### END SOLUTION
