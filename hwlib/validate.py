"""Check a problem's parameters against the kinds of its defaults, naming the parameter.

Every reference (``hwlib/problems/<slug>/reference.py``) is called through the
registry, which first runs :func:`check_params`: a parameter must have the
kind of its default value, so an invalid input gives a ``ValueError`` whose
message starts with the parameter's name, never a TypeError, an
OverflowError or a NaN answer:

* a bool default takes only True or False;
* an int default takes only ints (not bools, not floats), at most
  ``LIMITS.get(name, MAX_INT)`` in size, and not negative when the default is
  not negative (sizes, strides, counts);
* a float default takes ints or floats (not bools), finite, at most MAX_FLOAT
  in size;
* a string default takes a string (the reference checks which ones);
* a list default takes a (rectangular) list with the default's nesting depth,
  each entry of the default entries' kind, at most MAX_ENTRIES entries;
* a None default (an optional array) takes None or a finite list of numbers.

A reference may declare, by parameter name: ``LIMITS`` (the largest int, for
sizes a grader can afford to compute), ``MINIMUM`` (the smallest int, or the
smallest entry of an int list: 1 for sizes and strides), ``SHAPES`` (the
shape of a list: an int per fixed length, None for any length of at least 1)
and ``INTERVALS`` (``(low, high)``: every number strictly between). Rules
that tie parameters together (matching lengths, ...) stay in the reference
or its topic module, which raise ValueError naming the parameters too.
"""
from __future__ import annotations

import math
from typing import Any

__all__ = ["check_params", "MAX_INT", "MAX_FLOAT", "MAX_ENTRIES"]

MAX_INT = 10 ** 6
MAX_FLOAT = 1e12
MAX_ENTRIES = 10 ** 4
MAX_DEPTH = 8


def check_params(params: dict[str, Any], defaults: dict[str, Any],
                 rules: dict[str, dict] | None = None) -> None:
    """Raise ValueError naming the first parameter whose value is not of its default's
    kind or breaks a rule (rules: {"LIMITS": {...}, "MINIMUM": ..., "SHAPES": ..., "INTERVALS": ...})."""
    rules = rules or {}
    for name, value in params.items():
        if name not in defaults:
            continue
        _check(name, value, defaults[name], rules.get("LIMITS", {}).get(name, MAX_INT))
        if name in rules.get("MINIMUM", {}):
            low = rules["MINIMUM"][name]
            for x in _leaves(value):
                if isinstance(x, int) and x < low:
                    raise ValueError(f"{name}: should be at least {low}, got {x}")
        if name in rules.get("SHAPES", {}) and value is not None:
            _shape(name, value, rules["SHAPES"][name])
        if name in rules.get("INTERVALS", {}):
            low, high = rules["INTERVALS"][name]
            for x in _leaves(value):
                if not low < x < high:
                    raise ValueError(f"{name}: every value should be strictly between "
                                     f"{low:g} and {high:g}, got {x:g}")


def _shape(name: str, value: Any, shape: tuple) -> None:
    v = value
    for length in shape:
        if not isinstance(v, (list, tuple)) or len(v) < 1 or (length is not None and len(v) != length):
            want = " x ".join("n" if n is None else str(n) for n in shape)
            raise ValueError(f"{name}: should be a list of shape {want} (n at least 1), got {_what(value)}")
        for row in v[1:]:
            if isinstance(row, (list, tuple)) and isinstance(v[0], (list, tuple)) and len(row) != len(v[0]):
                raise ValueError(f"{name}: should be a rectangular list")
        v = v[0]


def _what(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check(name: str, value: Any, default: Any, limit: int) -> None:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name}: should be True or False, got {_what(value)}")
    elif isinstance(default, int):
        _int(name, value, default >= 0, limit)
    elif isinstance(default, float):
        _float(name, value)
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{name}: should be a string, got {_what(value)}")
    elif isinstance(default, (list, tuple)):
        _list(name, value, default, limit)
    elif default is None:
        if value is not None:
            _list(name, value, None, limit)


def _int(name: str, value: Any, non_negative: bool, limit: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: should be an integer, got {_what(value)}")
    if non_negative and value < 0:
        raise ValueError(f"{name}: should be a non-negative integer, got {value}")
    if abs(value) > limit:
        raise ValueError(f"{name}: should be at most {limit} in size, got {_what(value)}")


def _float(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}: should be a number, got {_what(value)}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{name}: should be at most {MAX_FLOAT:g} in size, got a huge integer") from None
    if not math.isfinite(x):
        raise ValueError(f"{name}: should be a finite number, got {x}")
    if abs(x) > MAX_FLOAT:
        raise ValueError(f"{name}: should be at most {MAX_FLOAT:g} in size, got {x:g}")


def _depth(v: Any, what: str, level: int = 0) -> int:
    """The nesting depth of a rectangular list (raises on ragged or too deep lists)."""
    if level > MAX_DEPTH:
        raise ValueError(f"{what}: is nested too deeply")
    if not isinstance(v, (list, tuple)):
        return 0
    depths = {_depth(x, what, level + 1) for x in v}
    if len(depths) > 1:
        raise ValueError(f"{what}: should be a rectangular list (rows of equal length and depth)")
    if v and depths == {1}:
        lengths = {len(x) for x in v}
        if len(lengths) > 1:
            raise ValueError(f"{what}: should be a rectangular list (rows of equal length)")
    return 1 + (depths.pop() if depths else 0)


def _leaves(v: Any) -> list:
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in _leaves(item)]
    return [v]


def _list(name: str, value: Any, default: Any, limit: int) -> None:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{name}: should be a list, got {_what(value)}")
    leaves = _leaves(value)
    if len(leaves) > MAX_ENTRIES:
        raise ValueError(f"{name}: has more than {MAX_ENTRIES} entries")
    got_depth = _depth(value, name)
    sample_leaves = _leaves(default) if default is not None else []
    if default is not None and sample_leaves:
        want_depth = _depth(default, name)
        if value and got_depth != want_depth:
            raise ValueError(f"{name}: should be a list nested {want_depth} deep "
                             f"(like {_what(default)}), got {got_depth} deep")
    kinds = {type(x) for x in sample_leaves}
    for x in leaves:
        if kinds and kinds <= {str}:
            if not isinstance(x, str):
                raise ValueError(f"{name}: every entry should be a string, got {_what(x)}")
        elif kinds and kinds <= {int}:
            _int(f"{name} entry", x, all(v >= 0 for v in sample_leaves), limit)
        else:
            _float(f"{name} entry", x)
