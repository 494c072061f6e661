"""Helpers for the problems' tests: run an answer cell the way the grader does.

``grade_cell(problem_id, code, seed)`` executes a student's answer cell in a
namespace where ``import hwlib`` fails (as in the sandbox), calls the answer on
the cases of one grading run (arguments and results through JSON, as in the
sandbox) and scores it with the checkers: ``(fraction, messages)``.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import numpy as np

from . import by_id

__all__ = ["grade_cell", "grade_answer", "run_cell", "solution_cell", "assert_full_marks", "mistake"]


@contextmanager
def _without_hwlib():
    """``import hwlib`` raises ImportError inside the block."""
    blocked = {n: None for n in list(sys.modules) if n == "hwlib" or n.startswith("hwlib.")}
    saved = {n: sys.modules[n] for n in blocked}
    try:
        sys.modules.update(blocked)
        yield
    finally:
        sys.modules.update(saved)


def run_cell(code: str, name: str = "cell") -> dict:
    """The namespace left by executing an answer cell without hwlib."""
    namespace = {"__name__": "student"}
    with _without_hwlib():
        exec(compile(code, name, "exec"), namespace)
    return namespace


def solution_cell(problem_id: str, params: dict | None = None) -> str:
    """The folder's solution.py: the reference answer cell of the notebook (filled with
    ``params``, default the statement's, where it asks for counts of the student's numbers)."""
    from .render import solution_code

    return solution_code(by_id(problem_id), params)


def grade_answer(problem_id: str, answer, seed: int = 0) -> tuple[float, list[str]]:
    """Score a Python answer (function or value) on one grading run's cases."""
    from ..grading import checkers as C

    case_list = C.cases(problem_id, np.random.default_rng(seed))
    outputs = []
    for case in case_list:
        try:
            value = answer if case["args"] is None else answer(**json.loads(json.dumps(case["args"])))
            outputs.append({"ok": True, "value": json.loads(json.dumps(C._jsonable(value)))})
        except Exception as exc:
            outputs.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return C.score(problem_id, case_list, outputs)


def grade_cell(problem_id: str, code: str, seed: int = 0) -> tuple[float, list[str]]:
    """Score an answer cell's text on one grading run's cases."""
    folder = by_id(problem_id)
    namespace = run_cell(code, folder.slug)
    if folder.answer not in namespace:
        return 0.0, [f"{folder.answer} is not defined by the cell"]
    return grade_answer(problem_id, namespace[folder.answer], seed)


def assert_full_marks(problem_id: str, seeds=range(3)) -> None:
    """solution.py, run without hwlib, passes every check on each grading run."""
    for seed in seeds:
        fraction, messages = grade_cell(problem_id, solution_cell(problem_id), seed)
        assert fraction == 1.0, (seed, messages)


def mistake(problem_id: str, name: str) -> str:
    """The answer cell of one of the folder's known mistakes (mistakes.py), by name."""
    known = by_id(problem_id).module("mistakes").MISTAKES
    return next(m["code"] for m in known if m["name"] == name)
