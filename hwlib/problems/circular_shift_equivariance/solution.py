import numpy as np

def shift_check(f, h, a):
    """Circular convolution of the shifted signal, and the shifted circular convolution."""
    ### BEGIN SOLUTION
    f, h = np.asarray(f, dtype=float), np.asarray(h, dtype=float)
    n = len(f)

    def circular(u, v):
        return np.array([sum(u[m] * v[(k - m) % n] for m in range(n)) for k in range(n)])

    return {"conv_of_shifted": circular(np.roll(f, a), h),
            "shifted_conv": np.roll(circular(f, h), a)}
    ### END SOLUTION
