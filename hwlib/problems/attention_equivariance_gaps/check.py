"""Check of hw3.q7: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _as_number, _close, _fmt, _key, _kind

CHECKS = ("max_abs_diff", "max_abs_diff_with_positional_encoding",
          "equivariant", "equivariant_with_positional_encoding")


def compare(sol, got, args):
    out = []
    for key in ("max_abs_diff", "max_abs_diff_with_positional_encoding"):
        try:
            value = _as_number(_key(got, key), key)
            want = sol[key]
            if key == "max_abs_diff":
                # rounding noise: both must be (numerically) zero
                ok = abs(value) <= 1e-9
                out.append(None if ok else f"should be 0 up to rounding (below 1e-9), got {_fmt(value)}")
            else:
                out.append(_close(want, value))
        except Mismatch as exc:
            out.append(str(exc))
    for key in ("equivariant", "equivariant_with_positional_encoding"):
        try:
            value = _key(got, key)
            if not isinstance(value, bool):
                raise Mismatch(f"should be True or False, got {_kind(value)}")
            out.append(None if value == sol[key] else f"should be {sol[key]}, got {value}")
        except Mismatch as exc:
            out.append(str(exc))
    return out


def case_design(rng):
    """Two tokens swapped (N = 2), one swap among many, and the order reversed."""
    seed = lambda: int(rng.integers(0, 2 ** 31 - 1))  # noqa: E731
    return [("two tokens", {"D": 2, "N": 2, "seed": seed(), "perm": [1, 0]}),
            ("one swap", {"D": 4, "N": 6, "seed": seed(), "perm": [0, 1, 3, 2, 4, 5]}),
            ("the order reversed", {"D": 6, "N": 5, "seed": seed(), "perm": [4, 3, 2, 1, 0]})]
