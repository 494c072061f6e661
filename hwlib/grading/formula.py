"""Bounded reading and comparison of submitted formulas (trusted side).

A formula is a string the student returns (``"3*D**2 + 3*D"``). Reading and
comparing it runs in the grader with the instructor's rights, so every step
is bounded by the instructor's limits (:class:`hwlib.grading.sandbox.Limits`,
fields ``formula_*``), never by what the student wrote:

1. the text: at most ``formula_chars`` characters of arithmetic (the caller
   says which names exist);
2. its syntax tree, checked BEFORE sympy sees it: only numbers, the allowed
   names, ``+ - * / **`` and calls of the allowed functions; at most
   ``formula_nodes`` nodes; integer literals up to 10**9; an exponent is a
   number of at most ``formula_degree`` (or, over a constant base, an
   expression without powers); the static polynomial degree of the whole
   formula is at most ``formula_degree``. ``(x+1)**10**6``, ``9**9**9``,
   ``factorial(10**9)``, 300 nested parentheses all stop here, in
   microseconds;
3. comparison is numeric only (sympy never expands or simplifies a
   submitted formula): both formulas are evaluated with mpmath at
   ``formula_digits`` significant digits at sample points, an exponential
   of an argument beyond 10**6 in size is refused, and NaN or an infinity
   counts as a wrong value; the whole parse-and-compare has a time budget of
   ``formula_seconds`` (an alarm, when called from a main thread).

The engine scores each submission in a child process with its own memory
and time limits as well (:func:`hwlib.grading.scoring.score_bounded`), so a
formula this module lets through still costs at most that budget.
"""
from __future__ import annotations

import ast
import contextlib
import math
import random
import re
import signal
import threading
import time
from typing import Any

MAX_LITERAL = 10 ** 9          # largest integer literal in a formula
MAX_EXP_ARGUMENT = 10 ** 6     # exp(z) is refused for |z| beyond this
_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^().,\s]*$")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONSTANTS = {"pi", "E"}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


class FormulaError(ValueError):
    """A formula that cannot be read or compared; the message is for the student."""


class FormulaTimeout(FormulaError):
    """Reading or comparing one formula took longer than ``formula_seconds``."""


# ---------------------------------------------------------------- the instructor's limits

_ACTIVE: list = []


def limits():
    """The Limits in force (set per worker by :func:`configure`, default Limits())."""
    if not _ACTIVE:
        from .sandbox import Limits
        _ACTIVE.append(Limits())
    return _ACTIVE[-1]


def configure(new_limits) -> None:
    """Use ``new_limits`` for every formula read from now on in this process."""
    _ACTIVE[:] = [new_limits]


@contextlib.contextmanager
def using(new_limits):
    """Use ``new_limits`` inside a with-block."""
    _ACTIVE.append(new_limits)
    try:
        yield
    finally:
        _ACTIVE.pop()


@contextlib.contextmanager
def time_budget(seconds: float):
    """Raise FormulaTimeout in this (main) thread after ``seconds``.

    An alarm is set only in the main thread and nests with an alarm already
    running (the earlier one is restored with its remaining time). Elsewhere
    the bound is the scoring child's (see the module doc).
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        raise FormulaTimeout(f"checking the formula took longer than {seconds:g} s; "
                             "simplify it")

    started = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, _ = signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_REAL, seconds if not old_delay else min(seconds, old_delay))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            left = old_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


# ---------------------------------------------------------------- reading

def _short(text: str, limit: int = 50) -> str:
    text = repr(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _number(node: ast.AST) -> float | None:
    """The value of a constant exponent: a number, or minus a number."""
    if _is_number(node):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _has_power(node: ast.AST) -> bool:
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(node))


def _degree(node: ast.AST, functions: set[str], bound: int) -> float:
    """A static upper bound on the polynomial degree; raises past ``bound``."""
    if isinstance(node, ast.Expression):
        return _degree(node.body, functions, bound)
    if isinstance(node, ast.Constant):
        return 0
    if isinstance(node, ast.Name):
        return 0 if node.id in _CONSTANTS else 1
    if isinstance(node, ast.UnaryOp):
        return _degree(node.operand, functions, bound)
    if isinstance(node, ast.Call):
        return max([_degree(a, functions, bound) for a in node.args] or [0])
    if isinstance(node, ast.BinOp):
        left = _degree(node.left, functions, bound)
        if isinstance(node.op, ast.Pow):
            power = _number(node.right)
            if power is None:  # a constant base to a variable power: bounded below
                if left:
                    raise FormulaError("a power with a variable exponent needs a constant base")
                right = _degree(node.right, functions, bound)
                found = 0 if right == 0 else 1
            else:
                found = left * abs(power)
        else:
            right = _degree(node.right, functions, bound)
            found = max(left, right) if isinstance(node.op, (ast.Add, ast.Sub)) else left + right
        if found > bound:
            raise FormulaError(f"the formula has degree above {bound}; simplify it")
        return found
    raise FormulaError("the formula contains something that is not arithmetic")


def check_syntax(text: Any, names, functions, lim=None) -> str:
    """Validate a formula's text and syntax tree within the limits; return the
    text with ``^`` as ``**``. Raises FormulaError naming what is wrong."""
    lim = lim or limits()
    if not isinstance(text, str):
        from .compare import _kind   # words, not a Python type name ("NoneType")

        raise FormulaError(f"should be a formula written as a string, got {_kind(text)}")
    if not text.strip():
        raise FormulaError("the formula is empty")
    if len(text) > lim.formula_chars:
        raise FormulaError(f"the formula is longer than {lim.formula_chars} characters")
    if not _CHARS.match(text):
        bad = sorted({c for c in text if not _CHARS.match(c)})
        raise FormulaError(
            f"the formula contains characters that are not allowed: {' '.join(bad)}")
    functions = set(functions)
    unknown = sorted(set(_IDENTIFIER.findall(text)) - set(names) - functions - _CONSTANTS)
    if unknown:
        raise FormulaError(f"unknown name(s) {', '.join(unknown)} in the formula; "
                           f"use only {', '.join(sorted(names))}")
    python = text.replace("^", "**").strip()
    try:
        tree = ast.parse(python, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise FormulaError(f"could not read the formula {_short(text)} "
                           "(write it like 3*D**2 + 3*D)") from None
    count = 0
    for node in ast.walk(tree):
        count += 1
        if count > lim.formula_nodes:
            raise FormulaError(f"the formula has more than {lim.formula_nodes} "
                               "operations and names; simplify it")
        if isinstance(node, (ast.Expression, ast.Load, ast.UAdd, ast.USub) + _BINOPS):
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise FormulaError("only + - * / and ** are allowed in a formula")
            if isinstance(node.op, ast.Pow):
                power = _number(node.right)
                if power is not None and abs(power) > lim.formula_degree:
                    raise FormulaError(f"the formula contains an exponent larger than "
                                       f"{lim.formula_degree}")
                if power is None and _has_power(node.right):
                    raise FormulaError("powers inside exponents are not accepted; "
                                       "simplify the formula")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.UAdd, ast.USub)):
                raise FormulaError("only + - * / and ** are allowed in a formula")
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise FormulaError("the formula contains something that is not a number")
            if abs(node.value) > MAX_LITERAL:
                raise FormulaError("the formula contains a number that is too large")
        elif isinstance(node, ast.Name):
            pass
        elif isinstance(node, ast.Call):
            if (not isinstance(node.func, ast.Name) or node.func.id not in functions
                    or node.keywords or not 1 <= len(node.args) <= 2):
                raise FormulaError("only calls like exp(x), log(x), sqrt(x) are allowed")
        else:
            raise FormulaError("the formula is not a single arithmetic expression")
    _degree(tree, functions, lim.formula_degree)
    return python


def parse(text: Any, names: dict, functions: dict, lim=None):
    """A sympy expression from a student's formula, within the limits.

    names: symbol name -> sympy object; functions: allowed function names ->
    sympy callables (exp, log, ...). Raises FormulaError.
    """
    lim = lim or limits()
    import sympy as sp

    callables = [n for n in functions if n not in _CONSTANTS]
    callables += [n for n, v in names.items() if not isinstance(v, sp.Basic)]
    python = check_syntax(text, names, callables, lim)
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    safe_globals = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float,
                    "Rational": sp.Rational, "Symbol": sp.Symbol, "Add": sp.Add,
                    "Mul": sp.Mul, "Pow": sp.Pow}
    with time_budget(lim.formula_seconds):
        try:
            expr = parse_expr(python, local_dict={**functions, **names},
                              global_dict=dict(safe_globals),
                              transformations=standard_transformations, evaluate=True)
        except FormulaError:
            raise
        except Exception:
            raise FormulaError(f"could not evaluate the formula {_short(text)}") from None
    if not isinstance(expr, sp.Expr):
        raise FormulaError(f"the formula {_short(text)} is not a single expression")
    return expr


# ---------------------------------------------------------------- numeric evaluation

def _safe_functions():
    import mpmath

    def exp(z):
        if abs(z) > MAX_EXP_ARGUMENT:
            raise FormulaError("the formula takes exp of a number too large to evaluate")
        return mpmath.exp(z)

    return {"exp": exp, "log": mpmath.log, "sqrt": mpmath.sqrt, "Abs": abs,
            "pi": mpmath.pi, "E": mpmath.e}


def _symbol_names(expr) -> list:
    return sorted(expr.free_symbols, key=lambda s: s.name)


def evaluate(expr, point: dict, lim=None) -> complex:
    """The value of a sympy expression at ``point`` (symbol name -> number),
    with mpmath at ``formula_digits`` digits. Raises FormulaError when it
    cannot be evaluated, or is not finite there."""
    lim = lim or limits()
    import mpmath
    import sympy as sp

    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise FormulaError("it is not a finite number")
    symbols = _symbol_names(expr)
    missing = [s.name for s in symbols if s.name not in point]
    if missing:
        raise FormulaError(f"the formula uses {', '.join(missing)}, which has no value here")
    with time_budget(lim.formula_seconds):
        try:
            fn = sp.lambdify(symbols, expr, modules=[_safe_functions(), "mpmath"])
            with mpmath.workdps(int(lim.formula_digits)):
                value = fn(*[mpmath.mpmathify(point[s.name]) for s in symbols])
                value = complex(value)
        except FormulaError:
            raise
        except (Exception, RecursionError):
            raise FormulaError("it cannot be evaluated") from None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        raise FormulaError("it is not a finite number")
    return value


def sample_points(expr, other=None, count: int = 4, seed: int = 13) -> list[dict]:
    """Points at which to compare two formulas: each free symbol gets a
    value in [0.35, 1.85) (fixed seed: the same points every run)."""
    names = {s.name for s in _symbol_names(expr)}
    if other is not None:
        names |= {s.name for s in _symbol_names(other)}
    rng = random.Random(seed)
    return [{name: round(0.35 + 1.5 * rng.random(), 6) for name in sorted(names)}
            for _ in range(count)]


def _show(z: complex) -> str:
    def real(v):
        return str(int(round(v))) if v == round(v) and abs(v) < 1e15 else f"{v:.6g}"
    return real(z.real) if abs(z.imag) < 1e-12 else f"{z.real:.6g}{z.imag:+.6g}i"


def equivalent(student, reference, points: list[dict] | None = None, rtol: float = 1e-9,
               lim=None) -> tuple[bool, str]:
    """Whether two formulas agree at every point (numerically, within rtol).

    points: symbol name -> value dicts (default :func:`sample_points`). A
    point where the reference itself is not finite is skipped; a student
    value that is NaN, infinite or cannot be computed is wrong. Returns (ok,
    detail naming the first point where they differ).
    """
    lim = lim or limits()
    points = list(points or sample_points(student, reference))
    compared = 0
    for pt in points:
        where = ", ".join(f"{k}={_show(complex(v))}" for k, v in pt.items())
        try:
            ref = evaluate(reference, pt, lim)
        except FormulaError:
            continue
        try:
            got = evaluate(student, pt, lim)
        except FormulaTimeout:
            raise
        except FormulaError as exc:
            return False, f"at {where} {exc}"
        compared += 1
        if abs(got - ref) > rtol * max(1.0, abs(ref)):
            return False, f"at {where} it gives {_show(got)}, expected {_show(ref)}"
    if not compared:
        return False, "it could not be compared at any sample point"
    return True, ""
