"""Audit: no hostile value passes any comparison path of hwlib.grading.compare, nor
any problem's public check path (checkers.score).

Hostile values: NaN, +-inf, None, huge numbers, deeply nested lists, int/float
subclasses and objects with a lying ``__eq__``/``__float__``, numpy scalars and
object arrays (even holding the right value: a comparison takes JSON data only),
strings that look like numbers, and bools for ints. "Passes" means a comparison
returns None (correct) or a converter returns a value; each must instead give a
message or raise Mismatch. The formula functions (parse_formula, _equivalent)
are audited only through the public path, with formulas that evaluate to NaN.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from hwlib.grading import checkers as C
from hwlib.grading.compare import (Mismatch, _as_array, _as_number, _close, _cmp_array,
                                   _cmp_exact, _exact, _key, _per_key)

NAN, INF = float("nan"), float("inf")


class LyingInt(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = int.__hash__


class LyingFloat(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return False
    def __ge__(self, other): return True
    def __abs__(self): return 0.0
    def __sub__(self, other): return 0.0
    def __rsub__(self, other): return 0.0
    def __float__(self): return 0.0
    __hash__ = float.__hash__


class Pretender:
    """Not a number, but claims to equal anything and converts to whatever is wanted."""

    def __init__(self, value):
        self.value = value
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return float(self.value)
    def __int__(self): return int(self.value)
    def __index__(self): return int(self.value)
    def __array__(self, dtype=None, copy=None): return np.asarray(self.value, dtype=dtype)
    __hash__ = object.__hash__


class LyingList(list):
    def __eq__(self, other): return True


class LyingDict(dict):
    def __contains__(self, key): return True
    def __getitem__(self, key): return 0


def _deep(depth: int, leaf=1):
    v = leaf
    for _ in range(depth):
        v = [v]
    return v


def _disguises(right):
    """Values that are, or claim to be, the right answer without being plain JSON numbers."""
    out = [LyingInt(0), LyingFloat(0.0), Pretender(right), np.float64(np.nan),
           np.array(right, dtype=object), np.asarray(right, dtype=np.float64)]
    flat = np.asarray(right, dtype=np.float64).reshape(-1)
    if flat.size:
        scalar = float(flat[0])
        out += [np.float64(scalar), np.int64(int(scalar)) if scalar == int(scalar) else np.float32(scalar)]
    if isinstance(right, list):
        out += [LyingList(right), [Pretender(v) for v in right]]
    return out


GENERIC = [NAN, INF, -INF, None, 10 ** 400, -(10 ** 400), 1e308, [NAN], [[NAN]], [INF, 1.0],
           [10 ** 400], _deep(5000), _deep(40), {"a": 1}, LyingDict(), "garbage", "nan", "inf",
           "-inf", "1e400", "0x10", "1_000", "\u0661\u0662", [], [[]], object(), Pretender(3),
           np.array([Pretender(3)], dtype=object), np.array([NAN]), np.float64("nan"), True, [True]]


def _never_passes(fn, *args):
    """fn(*args) must give a message or raise Mismatch (never None, never another error)."""
    try:
        result = fn(*args)
    except Mismatch:
        return
    assert result is not None, (fn.__name__, args)
    if isinstance(result, list):
        assert result and all(isinstance(m, str) for m in result), (fn.__name__, args, result)
    else:
        assert isinstance(result, str), (fn.__name__, args, result)


EXPECTED = [3, 1, 0, [1, 0], [[1, 2], [3, 4]], [0.5, -1.0], 2 ** 53 + 1, [2 ** 53 + 1, 5]]


@pytest.mark.parametrize("expected", EXPECTED, ids=[json.dumps(e) for e in EXPECTED])
def test_no_hostile_value_passes_close_or_exact(expected):
    """Do _close, _exact, _cmp_array and _cmp_exact reject every hostile value and disguise?"""
    for got in GENERIC + _disguises(expected):
        for fn in (_close, _exact):
            _never_passes(fn, expected, got)
        for fn in (_cmp_array, _cmp_exact):
            _never_passes(fn, expected, got, {})


def test_bools_never_pass_for_ints_and_huge_ints_are_exact():
    """Is True not 1, and is 2**53 (a float's rounding of 2**53 + 1) not 2**53 + 1?"""
    for expected, got in ((1, True), (0, False), ([1, 0], [True, False]), ([[1]], [[True]]),
                          (2 ** 53 + 1, 2 ** 53), (2 ** 53 + 1, float(2 ** 53)),
                          ([2 ** 53 + 1, 5], [2 ** 53, 5])):
        _never_passes(_exact, expected, got)
    assert _exact(2 ** 53 + 1, 2 ** 53 + 1) is None and _exact([1, 0], [1.0, 0]) is None


def test_strings_that_look_like_numbers_never_pass_in_arrays():
    """Is an array answer of numeric strings (even the right ones) rejected?"""
    for expected, got in (([1, 2], ["1", "2"]), (3, ["3"]), ([[1.5]], [["1.5"]])):
        _never_passes(_close, expected, got)
        _never_passes(_exact, expected, got)


def test_as_number_and_as_array_reject_hostile_values():
    """Does each converter raise Mismatch for non-numbers, non-finite and exotic values?"""
    for v in [NAN, INF, -INF, None, True, 10 ** 400, "nan", "inf", "1e400", "0x10", "1_000",
              "\u0661\u0662", "1/0", "", [1, 2], {"a": 1}, LyingFloat(3.0), LyingInt(3),
              Pretender(3), np.float64(3.0), np.int64(3), np.array([3.0]), _deep(5000), [[NAN]]]:
        with pytest.raises(Mismatch):
            _as_number(v, "x")
    for v in [None, "1", {"a": 1}, [["1"]], [True], [None], [1, [2]], LyingList([1]),
              [LyingFloat(1.0)], [Pretender(1)], np.array([1.0]), np.array([Pretender(1)], dtype=object),
              _deep(5000), [10 ** 400]]:
        with pytest.raises(Mismatch):
            _as_array(v, "x")
    for v in ["3", " 3/2 ", "-.5", "2.5"]:   # strings are not numbers, even right ones
        with pytest.raises(Mismatch):
            _as_number(v, "x")
    assert _as_number(3, "x") == 3.0 and _as_number([2.5], "x") == 2.5 and _as_number(-0.5, "x") == -0.5


def test_key_and_per_key_reject_hostile_dicts():
    """Do _key and _per_key reject dict subclasses, non-string keys and hostile entries?"""
    expected = {"a": 1, "b": [1.0, 2.0]}
    for got in [LyingDict(), {1: 1, "a": 1, "b": [1.0, 2.0]}, {"a": NAN, "b": [NAN, 2.0]},
                {"a": True, "b": [True, 2.0]}, {"a": "1", "b": ["1", "2"]},
                {"a": LyingInt(1), "b": LyingList([1.0, 2.0])}, None, [1, 2], "ab"]:
        for message in _per_key(_close, expected, got, ("a", "b")):
            assert message is not None, got
        for message in _per_key(_exact, expected, got, ("a", "b")):
            assert message is not None, got
    with pytest.raises(Mismatch):
        _key(LyingDict(), "a")


# ---------------------------------------------------------------- every problem's public path
AUTO = [pid for pid, spec in C.SPECS.items() if spec.kind in ("function", "value")]


def _right_answers(pid, case_list):
    spec = C.SPECS[pid]
    return [C._solution(spec, c["args"]) for c in case_list]


def _map_numbers(v, fn):
    if isinstance(v, dict):
        return {k: _map_numbers(x, fn) for k, x in v.items()}
    if isinstance(v, list):
        return [_map_numbers(x, fn) for x in v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return fn(v)
    return v


def _score(pid, case_list, values):
    outputs = [{"ok": True, "value": v} for v in values]
    return C.score(pid, case_list, outputs)


@pytest.mark.parametrize("pid", AUTO)
def test_no_hostile_value_passes_a_problem(pid):
    """Does every problem give 0 for hostile answers, and its right answer disguised (numbers
    as NaN, inf, numpy scalars, lying subclasses, strings) no more than with wrong numbers?"""
    case_list = C.cases(pid, 7)
    rights = _right_answers(pid, case_list)
    for hostile in GENERIC:
        fraction, messages = _score(pid, case_list, [hostile] * len(case_list))
        assert fraction == 0.0, (hostile, messages)
    numeric = any(isinstance(x, (int, float)) and not isinstance(x, bool)
                  for r in rights for x in _flat_values(r))
    if not numeric:
        return  # formula and string answers: audited in the test below
    # the oracle: the same answer with every number plainly wrong (its other parts, such
    # as booleans or formula strings, kept): a disguise must not score more than that
    wrong, _ = _score(pid, case_list, [_map_numbers(r, lambda v: v * 3 + 12345.5) for r in rights])
    assert wrong < 1.0
    disguises = [lambda v: NAN, lambda v: INF, lambda v: LyingFloat(v), lambda v: np.float64(v),
                 lambda v: Pretender(v), lambda v: [v] * 2]
    if not any(isinstance(x, str) for r in rights for x in _flat_values(r)):
        disguises.append(lambda v: str(v))  # (where answers are formula strings, "0" is one)
    for disguise in disguises:
        fraction, messages = _score(pid, case_list, [_map_numbers(r, disguise) for r in rights])
        assert fraction <= wrong, (messages,)


def _flat_values(v):
    if isinstance(v, dict):
        return [x for y in v.values() for x in _flat_values(y)]
    if isinstance(v, list):
        return [x for y in v for x in _flat_values(y)]
    return [v]


NAN_FORMULAS = ["0/0", "(D - D)/(D - D)", "0*(1/0)", "1/0 - 1/0", "log(0) - log(0)",
                "sqrt(-1)*0/0", "x/0*0", "(x - x)/(x - x)", "(n - n)/(n - n)", "gamma*0/0",
                "(H - H)/(H - H)", "Abs(1/0)*0"]


@pytest.mark.parametrize("pid", [p for p in AUTO if C.SPECS[p].kind == "value"])
def test_formulas_that_evaluate_to_nan_never_pass(pid):
    """Does no formula answer (or dict of them) that evaluates to NaN earn anything?"""
    case_list = C.cases(pid, 0)
    right = _right_answers(pid, case_list)[0]
    for text in NAN_FORMULAS:
        value = {k: text for k in right} if isinstance(right, dict) else text
        for key in (["conv", "dense", "attention_weights", "attention_biases", "dense_weights",
                     "dense_biases"] if isinstance(right, dict) else []):
            value[key] = text
        fraction, messages = _score(pid, case_list, [value])
        assert fraction == 0.0, (text, messages)
