"""Bounded formula reading and comparison (hwlib.grading.formula).

Every pathological formula is refused or judged within the configured
budget; the timing assertions bound a budget with a wide margin.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from hwlib.grading import checkers as C
from hwlib.grading import formula, sandbox

NAMES = {n: sp.Symbol(n) for n in ("D", "N", "x")}
FUNCS = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "pi": sp.pi, "E": sp.E,
         "Abs": sp.Abs}
LIMITS = sandbox.Limits()


def refusal(text, lim=LIMITS):
    with pytest.raises(formula.FormulaError) as info:
        formula.parse(text, NAMES, FUNCS, lim)
    return str(info.value)


@pytest.mark.parametrize("text,message", [
    ("(x+1)**10**6", "powers inside exponents are not accepted; simplify the formula"),
    ("(x+1)**1000000", "the formula contains an exponent larger than 64"),
    ("9**9**9", "powers inside exponents are not accepted; simplify the formula"),
    ("factorial(10**9)", "unknown name(s) factorial in the formula; use only D, N, x"),
    ("99999999999*x", "the formula contains a number that is too large"),
    ("(D+N+1)**40*(D+N+2)**40", "the formula has degree above 64; simplify it"),
    ("x" + "*x" * 70, "the formula has degree above 64; simplify it"),
    ("(" * 260 + "x" + ")" * 260, "the formula is longer than 500 characters"),
    ("x**x", "a power with a variable exponent needs a constant base"),
    ("x//2", "only + - * / and ** are allowed in a formula"),
    ("exp(x, x, x)", "only calls like exp(x), log(x), sqrt(x) are allowed"),
    ("(x, x)", "the formula is not a single arithmetic expression"),
])
def test_pathological_formulas_are_refused_with_a_reason(text, message):
    """Is each explosive formula refused before sympy builds it, saying why?"""
    assert refusal(text) == message


def test_nesting_and_node_caps():
    """Are 200 nested parentheses (within the length cap) and a formula with
    more nodes than formula_nodes refused?"""
    lim = LIMITS.with_overrides(formula_chars=2000)
    assert refusal("(" * 210 + "x" + ")" * 210, lim).startswith("could not read the formula")
    assert refusal("+".join(["x"] * 300), lim) == (
        "the formula has more than 400 operations and names; simplify it")


def test_exp_tower_is_refused_at_evaluation():
    """exp(exp(exp(exp(x)))) parses, but is its evaluation refused (exp of a
    huge argument), not attempted?"""
    expr = formula.parse("exp(exp(exp(exp(x))))", NAMES, FUNCS, LIMITS)
    with pytest.raises(formula.FormulaError) as info:
        formula.evaluate(expr, {"x": 2.0}, LIMITS)
    assert str(info.value) == "the formula takes exp of a number too large to evaluate"


def test_equivalence_is_numeric_and_exact_enough():
    """Are (D+1)**64 and its expansion judged equal, and (D+1)**64 + 1e-6 not?"""
    a = formula.parse("(D+1)**64", NAMES, FUNCS, LIMITS)
    b = sp.expand((NAMES["D"] + 1) ** 64)
    assert formula.equivalent(a, b) == (True, "")
    c = formula.parse("(D+1)**64 + (D+1)**64/1000000", NAMES, FUNCS, LIMITS)
    ok, detail = formula.equivalent(c, b)
    assert not ok and "expected" in detail


def test_nan_and_infinity_are_wrong():
    """Is a formula that is NaN or infinite at the sample points judged wrong?"""
    x = NAMES["x"]
    nan = formula.parse("log(x-x)", NAMES, FUNCS, LIMITS)
    assert formula.equivalent(nan, x, [{"x": 1.5}]) == (
        False, "at x=1.5 it is not a finite number")
    assert formula.equivalent(formula.parse("1/(x-x)", NAMES, FUNCS, LIMITS), x,
                              [{"x": 1.5}])[0] is False


PATHOLOGICAL = ["(g_i+1)**10**6", "factorial(10**9)", "9**9**9", "(" * 100 + "g_i" + ")" * 100,
                "exp(exp(exp(exp(exp(gamma)))))", "(gamma+g_i+gbar+n+1)**64",
                "2**(1000000000*gamma*g_i)", "gamma*g_i**64",
                "sqrt(" * 60 + "g_i" + ")" * 60]


@pytest.mark.parametrize("text", PATHOLOGICAL)
def test_scoring_a_pathological_formula_stays_within_budget(text):
    """Does scoring hw2.q4_formula with a pathological answer take at most the
    formula budget (2 s by default; asserted with a 5x margin) and give 0?"""
    cases = C.cases("hw2.q4_formula", np.random.default_rng(0))
    started = time.monotonic()
    fraction, messages = C.score("hw2.q4_formula", cases, [{"ok": True, "value": text}])
    assert time.monotonic() - started < 5 * LIMITS.formula_seconds
    assert fraction == 0.0 and len(messages) == 1


def test_time_budget_interrupts_and_restores_an_outer_alarm():
    """Does time_budget raise FormulaTimeout past its seconds, and leave an
    outer alarm running afterwards?"""
    import signal

    fired = []
    signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 5.0)
    try:
        with pytest.raises(formula.FormulaTimeout):
            with formula.time_budget(0.2):
                while True:
                    pass
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining <= 5.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
