import numpy as np

def equivariance_gaps(D, N, seed, perm):
    """Largest |Sa[XP] - Sa[X]P| without and with sinusoidal positional encodings."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((D, N))
    Wq, Wk, Wv = (rng.standard_normal((D, D)) for _ in range(3))
    bq, bk, bv = (rng.standard_normal(D) for _ in range(3))

    def sa(Z):
        Q, K, V = (b[:, None] + W @ Z for W, b in ((Wq, bq), (Wk, bk), (Wv, bv)))
        S = K.T @ Q
        e = np.exp(S - S.max(axis=0))
        return V @ (e / e.sum(axis=0))       # softmax over each column

    P = np.zeros((N, N))
    P[perm, np.arange(N)] = 1.0
    angles = np.arange(N)[:, None] * 10000.0 ** (-np.arange(0, D, 2) / D)
    pe = np.zeros((N, D))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    E = pe.T
    plain = float(np.abs(sa(X @ P) - sa(X) @ P).max())
    with_pe = float(np.abs(sa(X @ P + E) - sa(X + E) @ P).max())
    return {"max_abs_diff": plain, "max_abs_diff_with_positional_encoding": with_pe,
            "equivariant": plain <= 1e-9, "equivariant_with_positional_encoding": with_pe <= 1e-9}
    ### END SOLUTION
