"""Check of hw3.q6: how the answer is compared, and the known mistakes it names."""

import math

from hwlib.grading.compare import FORMULA_RTOL, Mismatch, _fmt_c, _key, _symbols, parse_formula

CHECKS = ("attention_weights", "attention_biases", "dense_weights",
          "dense_biases")


def _finite(z: complex) -> bool:
    return math.isfinite(z.real) and math.isfinite(z.imag)


_ATTENTION_POINTS = [(64, 10), (1, 1), (3, 7), (10, 2), (5, 33)]


def compare(sol, got, args):
    from hwlib import registry
    names = _symbols("D", "N")
    problem = registry.get("hw3.q6")
    refs = [(d, n, problem.solve({"d": d, "n": n})) for d, n in _ATTENTION_POINTS]
    out = []
    for key in ("attention_weights", "attention_biases", "dense_weights", "dense_biases"):
        part, sub = key.split("_")
        try:
            student = parse_formula(_key(got, key), names)
            msg = None
            for d, n, ref in refs:
                value = student.evalf(30, subs={names["D"]: d, names["N"]: n})
                want = ref[part][sub]
                # written so that NaN fails: NaN <= tol is False (NaN > tol would be too)
                if not value.is_number or not _finite(complex(value)) or \
                        not abs(complex(value) - want) <= FORMULA_RTOL * max(1, want):
                    msg = f"at D={d}, N={n} it gives {_fmt_c(complex(value)) if value.is_number else value}, expected {want}"
                    break
            out.append(msg)
        except Mismatch as exc:
            out.append(str(exc))
    return out
