"""When a function answer fails a scored case, do the feedback lines show that
case's call, so that the student can run it again?

Oracle: the wrong answer and the reference answer cell (solution.py) are
called here on the run's cases; the first scored case where they differ is
the one to show, and evaluating the shown call with the wrong function must
give the value the feedback says it got.
"""
from __future__ import annotations

import re

import numpy as np

from hwlib.grading import checkers
from hwlib.grading.design import scored_weight
from hwlib.problems.testing import grade_cell, mistake, run_cell, solution_cell

PID = "hw3.q2"   # receptive_field(kernel_sizes, strides, dilations) -> int


def test_first_failing_scored_case_is_shown_as_a_call():
    """dilation_ignored fails several cases: is exactly one call shown, right after
    the first scored case it fails, and does running it reproduce the wrong value?"""
    wrong = run_cell(mistake(PID, "dilation_ignored"))["receptive_field"]
    right = run_cell(solution_cell(PID))["receptive_field"]
    for seed in range(3):
        cases = checkers.cases(PID, np.random.default_rng(seed))
        first = next(c for c in cases
                     if scored_weight(c) > 0 and wrong(**c["args"]) != right(**c["args"]))
        _, messages = grade_cell(PID, mistake(PID, "dilation_ignored"), seed)
        shown = [m for m in messages if m.startswith("to reproduce ")]
        assert len(shown) == 1, messages
        call = ", ".join(f"{k}={v!r}" for k, v in first["args"].items())
        assert shown[0] == f"to reproduce {first['label']}: receptive_field({call})"
        before = messages[messages.index(shown[0]) - 1]
        assert before.startswith(f"{first['label']}: should be ")
        got = int(re.search(r"got (-?\d+)", before).group(1))
        expression = shown[0].split(": ", 1)[1]
        assert eval(expression, {"receptive_field": wrong}) == got   # noqa: S307 (our text)


def test_no_call_shown_when_every_scored_case_is_right():
    """The reference answer: no 'to reproduce' line."""
    _, messages = grade_cell(PID, solution_cell(PID), 0)
    assert not [m for m in messages if m.startswith("to reproduce")]


def test_a_wrong_example_case_alone_shows_no_call():
    """A failure on the statement's example only (weight 0) shows no call: the
    example's arguments are in the statement."""
    spec = checkers.SPECS[PID]
    case = {"label": "seed example (not scored)", "weight": 0,
            "args": {"kernel_sizes": [3], "strides": [1], "dilations": [0]}}
    _, messages = checkers._score_cases(spec, [case], [{"ok": True, "value": 99}])
    assert messages == ["seed example (not scored): should be 3, got 99"]


def test_long_arguments_are_cut():
    """A long call is cut to REPRODUCE_MAX_CHARS characters, ending in '...'."""
    line = checkers._reproduce_line("f", "random case 1", {"x": list(range(1000))})
    head = "to reproduce random case 1: "
    assert line.startswith(head + "f(x=[0, 1, 2, ")
    assert len(line) == len(head) + checkers.REPRODUCE_MAX_CHARS and line.endswith("...")
    assert checkers._reproduce_line("f", "c", {"a": 1, "b": [True, None, 0.5]}) == \
        "to reproduce c: f(a=1, b=[True, None, 0.5])"
