"""Name a known mistake in the feedback: a ``diagnose`` hook built from a folder's mistakes.py.

Conventions
-----------
* A known mistake (an entry of ``MISTAKES`` in ``hwlib/problems/<slug>/mistakes.py``)
  with a ``hint`` is recognised by running its answer cell on the failing
  case's arguments: when the student's answer equals that output (numbers
  within ``RTOL``/``ATOL`` of :mod:`hwlib.grading.compare`, same shapes, same
  dict keys, strings equal up to spaces), the feedback line of every failed
  check ends with ``(<hint>)``. The hint names the mistake in the student's
  terms (what was computed, what to change).
* Function problems only: ``args`` is the case's keyword arguments. The
  mistakes' cells are the course's own code (never a student's); each runs
  with a deep copy of the arguments and any exception means "not this one".
* The student's answer is compared to at most ``MAX_ITEMS`` numbers, strings
  or keys (bounded work on any submitted value).

A folder's check.py opts in with ``diagnose = diagnose_from_mistakes(__name__)``.
"""
from __future__ import annotations

import copy
import json
import math
from typing import Any, Callable

from .compare import ATOL, RTOL

MAX_ITEMS = 200_000
MAX_DEPTH = 32


class _TooBig(Exception):
    pass


def same_answer(a: Any, b: Any) -> bool:
    """Whether two JSON answers agree (numbers within tolerance, structure exactly)."""
    budget = [MAX_ITEMS]

    def same(x, y, depth):
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise _TooBig
        if isinstance(x, bool) or isinstance(y, bool):
            return x is y
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            if math.isnan(x) or math.isnan(y):
                return math.isnan(x) and math.isnan(y)
            return abs(x - y) <= ATOL + RTOL * abs(x)
        if isinstance(x, str) and isinstance(y, str):
            return "".join(x.split()) == "".join(y.split())
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(same(u, v, depth + 1) for u, v in zip(x, y))
        if isinstance(x, dict) and isinstance(y, dict):
            return x.keys() == y.keys() and all(same(x[k], y[k], depth + 1) for k in x)
        return x is None and y is None

    try:
        return same(a, b, 0)
    except _TooBig:
        return False


def _known(slug: str) -> list[tuple[str, Callable]]:
    """(hint, answer function) of each of the folder's mistakes that has a hint."""
    from ..problems import folders

    folder = folders()[slug]
    found = []
    for mistake in folder.module("mistakes").MISTAKES:
        if mistake.get("hint"):
            namespace = {"__name__": f"known_mistake_{mistake['name']}"}
            exec(compile(mistake["code"], f"<{slug}: {mistake['name']}>", "exec"), namespace)
            found.append((mistake["hint"], namespace[folder.answer]))
    return found


def diagnose_from_mistakes(check_module: str) -> Callable:
    """A check.py ``diagnose(solution, got, args)`` hook: the hint of the folder's
    known mistake whose output ``got`` equals on these arguments, else None.
    ``check_module``: the check module's ``__name__`` (``hwlib.problems.<slug>.check``)."""
    slug = check_module.split(".")[-2]
    cache: list = []

    def diagnose(solution, got, args):
        if not isinstance(args, dict):
            return None
        if not cache:
            cache.append(_known(slug))
        from .checkers import _jsonable

        for hint, answer in cache[0]:
            try:
                value = json.loads(json.dumps(_jsonable(answer(**copy.deepcopy(args)))))
            except Exception:
                continue
            if same_answer(value, got):
                return hint
        return None

    return diagnose
