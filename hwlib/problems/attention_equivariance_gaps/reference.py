"""Reference: Permutation equivariance of self-attention."""
from __future__ import annotations

import numpy as np
from hwlib import attention

# The parameters of the statement: the one place these numbers are typed.
DEFAULTS = {"D": 4, "N": 5, "seed": 0, "perm": [2, 0, 4, 1, 3]}


EQUIVARIANCE_ATOL = 1e-9

# Checked by the registry before solve (hwlib/validate.py): a ValueError names the parameter.
MINIMUM = {"D": 1, "N": 1}
LIMITS = {"D": 1000, "N": 1000, "seed": 2 ** 32 - 1}


def sample(rng: np.random.Generator) -> dict:
    D, N = 2 * int(rng.integers(1, 5)), int(rng.integers(2, 8))
    perm = rng.permutation(N)
    while np.array_equal(perm, np.arange(N)):  # the identity shows nothing
        perm = rng.permutation(N)
    return {"D": D, "N": N, "seed": int(rng.integers(0, 2**31 - 1)), "perm": perm.tolist()}


def solve(D, N, seed, perm) -> dict:
    """max |Sa[XP] - Sa[X]P| for random X and weights, without and with positional encodings.

    X, the weights and biases are standard normal draws from ``seed`` (X first,
    then Wq, Wk, Wv, bq, bk, bv). With encodings, E = PE.T (D, N) is added
    after permuting, because positions stay in place while tokens move:
    Sa[XP + E] is compared with Sa[X + E] P.
    """
    P = attention.permutation_matrix(perm)
    if P.shape[0] != N:
        raise ValueError(f"perm must permute the N = {N} tokens, got {len(perm)} entries")
    E = attention.sinusoidal_positional_encoding(N, D).T  # checks that D is even
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((D, N))
    Wq, Wk, Wv = (rng.standard_normal((D, D)) for _ in range(3))
    bq, bk, bv = (rng.standard_normal(D) for _ in range(3))

    def sa(inputs):
        return attention.self_attention(inputs, Wq, Wk, Wv, bq, bk, bv)

    plain = float(np.abs(sa(X @ P) - sa(X) @ P).max())
    with_pe = float(np.abs(sa(X @ P + E) - sa(X + E) @ P).max())
    return {"max_abs_diff": plain, "max_abs_diff_with_positional_encoding": with_pe,
            "equivariant": plain <= EQUIVARIANCE_ATOL,
            "equivariant_with_positional_encoding": with_pe <= EQUIVARIANCE_ATOL}
