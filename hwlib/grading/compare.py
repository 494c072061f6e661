"""Comparison primitives of the checkers: numbers, arrays, dicts and formulas.

Every problem's ``check.py`` (``hwlib/problems/<slug>/check.py``) builds its
comparison from these: ``_close`` (floats under RTOL/ATOL), ``_exact``
(integers), ``_per_key``/``_parts`` (one check per key or part), ``_key``
(a dict entry with a message when missing), and ``parse_formula`` with
``_equivalent`` for formula strings (sympy, never ``eval``). A failed
comparison is a message string; ``None`` means correct. ``Mismatch`` carries a
message for an answer that does not even have the expected form.
"""
from __future__ import annotations

import json
import math
import warnings
from fractions import Fraction
from typing import Any, Callable

import numpy as np

__all__ = ["Mismatch", "MAX_DEPTH", "MAX_ENTRIES", "_plain", "_flatten", "RTOL", "ATOL",
           "FORMULA_RTOL", "MAX_WRONG_ENTRIES",
           "_fmt", "_short", "_kind", "_index", "_shape", "_as_number", "_as_array",
           "_wrong_entries", "_close", "_exact", "_parts", "_per_key", "_key", "_sympy",
           "_functions", "parse_formula", "_equivalent", "_point", "_fmt_c",
           "_symbols", "_identity_args", "_one", "_cmp_array", "_cmp_exact"]

RTOL = 1e-6           # relative tolerance for real-valued answers
ATOL = 1e-9           # absolute tolerance (answers that should be 0)
FORMULA_RTOL = 1e-9   # two formulas agree at a sample point to this relative error
MAX_WRONG_ENTRIES = 3      # wrong entries named in one message


class Mismatch(Exception):
    """An answer that does not have the expected form (message says what is wrong)."""


# ============================================================ formatting
def _fmt(v: Any) -> str:
    """A number as a student would write it (6 significant digits)."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isfinite(v) and v == round(v) and abs(v) < 1e15:
            return str(int(round(v)))
        return f"{v:.6g}"
    return _short(v)


def _short(v: Any, limit: int = 60) -> str:
    """A value shortened for a message."""
    try:
        text = json.dumps(v) if not isinstance(v, str) else repr(v)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _kind(v: Any) -> str:
    """What a value is, in words."""
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "a bool"
    if isinstance(v, (int, float)):
        return f"the number {_fmt(v)}"
    if isinstance(v, str):
        return f"the string {_short(v, 40)}"
    if isinstance(v, list):
        return f"a list of length {len(v)}"
    if isinstance(v, dict):
        return "a dict with keys " + ", ".join(sorted(map(str, v)))[:80]
    return type(v).__name__


def _index(i: tuple) -> str:
    return str(i[0]) if len(i) == 1 else "(" + ",".join(str(int(k)) for k in i) + ")"


def _shape(a: np.ndarray) -> str:
    return "a scalar" if a.ndim == 0 else "(" + ", ".join(map(str, a.shape)) + \
        ("," if a.ndim == 1 else "") + ")"


# ============================================================ comparisons
# What a student's answer may be made of: JSON data, exactly these types (no
# subclasses: an int or float subclass can override __eq__, __float__, ...).
_PLAIN = (type(None), bool, int, float, str, list, dict)
MAX_DEPTH = 32             # nesting of lists and dicts in an answer
MAX_ENTRIES = 10 ** 6      # numbers in one answer


def _plain(v: Any, what: str, depth: int = 0, budget: list | None = None) -> None:
    """Raise Mismatch unless v is plain JSON data (exact types), not too deep or too big."""
    budget = [MAX_ENTRIES] if budget is None else budget
    if type(v) not in _PLAIN:
        raise Mismatch(f"{what} should be plain numbers, lists, dicts or strings, "
                       f"got a {type(v).__name__}")
    if depth > MAX_DEPTH:
        raise Mismatch(f"{what} is nested more than {MAX_DEPTH} levels deep")
    if type(v) in (list, dict):
        budget[0] -= len(v)
        if budget[0] < 0:
            raise Mismatch(f"{what} has more than {MAX_ENTRIES} entries")
        for item in (v.values() if type(v) is dict else v):
            _plain(item, what, depth + 1, budget)
        if type(v) is dict and any(type(k) is not str for k in v):
            raise Mismatch(f"{what} should have string keys")


def _as_number(v: Any, what: str) -> float:
    """A finite real number from an answer (a plain int or float, or a list of one).

    Strings are not numbers, not even '3' or '3/2' (nor 'nan', '1e400', ...):
    a question that wants a formula asks for one and parses it with parse_formula.
    """
    _plain(v, what)
    if isinstance(v, bool) or v is None:
        raise Mismatch(f"{what} should be a number, got {_kind(v)}")
    if isinstance(v, (int, float)):
        try:
            x = float(v)
        except OverflowError:
            raise Mismatch(f"{what} should be a number of sensible size, got a huge integer") from None
        if not math.isfinite(x):
            raise Mismatch(f"{what} should be a finite number, got {_fmt(x)}")
        return x
    if isinstance(v, list) and len(v) == 1:
        return _as_number(v[0], what)
    raise Mismatch(f"{what} should be a number, got {_kind(v)}")


def _numbers_only(v: Any, what: str) -> None:
    """Raise Mismatch when a nested list holds anything but ints and floats (bools, strings, None)."""
    if type(v) is list:
        for item in v:
            _numbers_only(item, what)
    elif type(v) not in (int, float):
        raise Mismatch(f"{what} should be an array of numbers, got an entry that is {_kind(v)}")


def _as_array(v: Any, what: str) -> np.ndarray:
    """A float array from nested lists of numbers (plain ints and floats only)."""
    if isinstance(v, (str, dict)) or v is None:
        raise Mismatch(f"{what} should be an array of numbers, got {_kind(v)}")
    _plain(v, what)
    _numbers_only(v, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise Mismatch(f"{what} should be a (rectangular) array of numbers, "
                       f"got {_short(v)}") from None
    return a


def _wrong_entries(prefix: str, e: np.ndarray, g: np.ndarray, bad: np.ndarray) -> str:
    """The message naming the first MAX_WRONG_ENTRIES entries where ``bad`` is set."""
    if e.ndim == 0:
        return f"{prefix}should be {_fmt(e.item())}, got {_fmt(g.item())}"
    wrong = [tuple(int(k) for k in i) for i in zip(*np.nonzero(bad))]
    parts = [f"entry {_index(i)} should be {_fmt(e[i].item())}, got {_fmt(g[i].item())}"
             for i in wrong[:MAX_WRONG_ENTRIES]]
    more = f" (and {len(wrong) - MAX_WRONG_ENTRIES} more wrong)" if len(wrong) > MAX_WRONG_ENTRIES else ""
    return prefix + "; ".join(parts) + more


def _close(expected: Any, got: Any, what: str = "", rtol: float = RTOL,
           atol: float = ATOL) -> str | None:
    """None when got matches expected entrywise, else a message naming wrong entries."""
    e = np.asarray(expected, dtype=np.float64)
    g = _as_array(got, what or "the answer")
    prefix = f"{what}: " if what else ""
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if g.shape != e.shape:
        return f"{prefix}shape should be {_shape(e)}, got {_shape(g)}"
    bad = ~np.isfinite(g) | ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    return _wrong_entries(prefix, e, g, bad)


def _exact(expected: Any, got: Any, what: str = "") -> str | None:
    """None when got equals the integer (or nested list of integers) expected.

    Entries are compared as Python numbers (exactly: 2**53 + 1 is not 2**53),
    after the shape is checked on float arrays.
    """
    e = np.asarray(expected)
    g = _as_array(got, what or "the answer")
    prefix = f"{what}: " if what else ""
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if g.shape != e.shape:
        if e.ndim == 0:
            return f"{prefix}should be the single number {_fmt(e.item())}, got {_short(got)}"
        return f"{prefix}shape should be {_shape(e)}, got {_shape(g)}"
    flat_got = _flatten(got)
    flat_want = [x.item() if hasattr(x, "item") else x for x in e.reshape(-1)]
    if len(flat_got) != len(flat_want):  # [[x]] for a scalar: compare its one entry
        flat_got = flat_got[:len(flat_want)]
    bad = np.array([not (math.isfinite(gv) and gv == ev) if isinstance(gv, float)
                    else not (gv == ev) for gv, ev in zip(flat_got, flat_want)], dtype=bool)
    bad = bad.reshape(e.shape)
    if not bad.any():
        return None
    return _wrong_entries(prefix, e, g, bad)


def _flatten(v: Any) -> list:
    """The numbers of a nested list, in order (a number alone is a list of one)."""
    if type(v) is list:
        return [x for item in v for x in _flatten(item)]
    return [v]


def _parts(*checks: Callable[[], str | None]) -> list[str | None]:
    """Run each part's check (None or a message); a Mismatch becomes that part's message."""
    out = []
    for check in checks:
        try:
            out.append(check())
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _per_key(compare, expected: dict, got: Any, keys) -> list[str | None]:
    """One check per key: compare(expected[key], got[key])."""
    return _parts(*(lambda k=k: compare(expected[k], _key(got, k)) for k in keys))


def _key(got: Any, key: str) -> Any:
    """got[key] for a dict answer, with a message when it is missing."""
    if type(got) is not dict:
        raise Mismatch(f"should be a dict with the key {key!r}, got {_kind(got)}")
    if any(type(k) is not str for k in got):
        raise Mismatch("the dict should have string keys")
    if key not in got:
        raise Mismatch(f"the dict has no key {key!r} (keys: {', '.join(sorted(got)) or 'none'})")
    return got[key]


# ============================================================ formulas (sympy)
# The limits on a formula (length, nodes, literals, degree, time) are fields of
# hwlib.grading.sandbox.Limits, enforced by hwlib.grading.formula.

def _sympy():
    import sympy
    return sympy


def _functions() -> dict:
    sp = _sympy()
    return {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "pi": sp.pi,
            "E": sp.E, "Abs": sp.Abs, "abs": sp.Abs}


def parse_formula(text: Any, names: dict[str, Any]):
    """Parse a student's formula string into a sympy expression, safely.

    Only the characters of arithmetic, the identifiers in ``names`` and a few
    functions (exp, log, sqrt, pi, E, Abs) are allowed; ``^`` means power.
    The syntax tree is bounded before sympy sees it (size, literals, exponents,
    degree: :mod:`hwlib.grading.formula`). Raises Mismatch with a message the
    student can act on.
    """
    from . import formula

    try:
        return formula.parse(text, names, _functions())
    except formula.FormulaError as exc:
        raise Mismatch(str(exc)) from None


def _equivalent(student, reference, points: list[dict]) -> tuple[bool, str]:
    """Whether two sympy expressions are equal, compared numerically at bounded
    precision under a time budget (:func:`hwlib.grading.formula.equivalent`);
    NaN or infinity is never equal.

    Returns (ok, detail); on a mismatch the detail names the first point where
    they differ and both values there.
    """
    from . import formula

    try:
        return formula.equivalent(student, reference, [{str(k): v for k, v in pt.items()}
                                                       for pt in points], FORMULA_RTOL)
    except formula.FormulaError as exc:
        return False, str(exc)


def _point(pt: dict) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in pt.items())


def _fmt_c(z: complex) -> str:
    return _fmt(z.real) if abs(z.imag) < 1e-12 else f"{z.real:.6g}{z.imag:+.6g}i"


def _symbols(*names: str) -> dict:
    sp = _sympy()
    return {n: sp.Symbol(n) for n in names}


# ============================================================ the commonest checks
def _identity_args(params, rng):
    """The student's function is called with the problem's parameters as they are."""
    return dict(params)


def _one(msg: str | None) -> list:
    """One check: its message (None = correct) as the list a compare returns."""
    return [msg]


def _cmp_array(sol, got, args):
    """compare(): the answer is the reference array, entrywise to RTOL/ATOL."""
    return _one(_close(sol, got))


def _cmp_exact(sol, got, args):
    """compare(): the answer is the reference integer(s), exactly."""
    return _one(_exact(sol, got))
