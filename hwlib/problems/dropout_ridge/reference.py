"""Reference: Dropout as Tikhonov regularisation."""
from __future__ import annotations

import numpy as np
from hwlib import dropout

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {
    "X": [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 0.0, 1.0], [1.0, -1.0, 2.0], [3.0, 1.0, -1.0]],
    "y": [1.0, 0.0, 2.0, 1.0, 3.0],
    "w": [0.5, -1.0, 0.25],
    "p": 0.8,
}


def sample(rng: np.random.Generator) -> dict:
    n, d = int(rng.integers(3, 9)), int(rng.integers(2, 6))
    return {"X": np.round(rng.normal(size=(n, d)), 3).tolist(),
            "y": np.round(rng.normal(size=n), 3).tolist(),
            "w": np.round(rng.normal(size=d), 3).tolist(),
            "p": round(float(rng.uniform(0.1, 0.95)), 2)}


def solve(X, y, w, p) -> dict:
    """Closed-form dropout loss and its generalized/classical ridge equivalents.

    ``w`` is the dropout-trained weight vector w~; ``p`` the keep probability.
    """
    gamma_tilde = dropout.column_norm_matrix(X)
    gamma = dropout.equivalent_gamma(X, p)
    w_ridge = dropout.dropout_to_ridge_weights(w, p)
    X_arr = np.asarray(X, dtype=np.float64)
    residual = np.asarray(y, dtype=np.float64) - X_arr @ w_ridge
    penalty = gamma @ w_ridge
    return {
        "expected_loss": dropout.dropout_tikhonov_loss(X, y, w, p),
        "gamma_tilde_diag": np.diag(gamma_tilde),
        "ridge_weights": w_ridge,
        "equivalent_gamma_diag": np.diag(gamma),
        # ||y - X w||^2 + ||Gamma w||^2 at w = p w~: equals expected_loss.
        "ridge_loss": float(residual @ residual + penalty @ penalty),
        "X_tilde": dropout.ridge_change_of_variables(X, gamma),
        "effective_column_norms": dropout.effective_column_norms(X, p),
        "effective_norm_formula": "sqrt(p/(1-p))",
    }
