import numpy as np

def positional_encoding(n_positions, d):
    """Sinusoidal positional encoding, shape (n_positions, d), one row per position."""
    ### BEGIN SOLUTION
    pos = np.arange(n_positions, dtype=float)[:, None]
    angles = pos * 10000.0 ** (-np.arange(0, d, 2) / d)
    pe = np.zeros((n_positions, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe
    ### END SOLUTION
