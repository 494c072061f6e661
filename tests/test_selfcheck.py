"""Does every function problem's visible check (form.py) tell a student right from wrong
before they submit, on a public example that no grading run asks?

For each function problem placed in a homework, the visible cell is rendered as in
the student's notebook and run after an answer cell, without hwlib (as on a
student's machine):

* after the folder's solution it passes and says the public example is correct;
* after at least one of the folder's known mistakes (mistakes.py) it raises (an
  AssertionError naming the public example and its expected output or the wrong
  entry, or the error the wrong answer itself raises), so `nbgrader validate`
  reports it;
* the example's arguments are neither the statement's nor any scored case of many
  grading runs (designed and drawn cases), and the cell states no graded answer
  (``graded_strings``): its stated output gives nothing away.
"""
from __future__ import annotations

import contextlib
import inspect
import io
import json
import re

import pytest

from hwlib.grading import checkers as C
from hwlib.problems import folders, homeworks
from hwlib.problems.render import context, render
from hwlib.problems.solutions import graded_strings
from hwlib.problems.testing import run_cell, solution_cell

PLACED = homeworks.locate()
FUNCTIONS = sorted((f for f in folders().values() if f.kind == "function" and f.slug in PLACED),
                   key=lambda f: f.slug)
GRADING_RUNS = range(40)
# A folder without a known mistake yet is checked with this wrong answer instead.
WRONG_WITHOUT_MISTAKES = {
    "attention_equivariance_gaps": '''\
import numpy as np

def equivariance_gaps(D, N, seed, perm):
    return {"max_abs_diff": 0.0, "max_abs_diff_with_positional_encoding": 0.0,
            "equivariant": True, "equivariant_with_positional_encoding": True}   # PE ignored
''',
}
# Every parameter set of these problems is a possible graded case, so no example can
# lie outside them: norm_axes draws among all 24 orders of "NCHW".
WHOLE_SPACE_GRADED = {"norm_axes"}


def _form(folder) -> str:
    return render(folder, "form.py", context(folder, PLACED[folder.slug][1]))


def _run(folder, answer_code: str, spy: list | None = None) -> str:
    """Run the answer cell, then the visible cell; return what it printed."""
    namespace = run_cell(answer_code, folder.slug)
    if spy is not None:
        fn = namespace[folder.answer]
        signature = inspect.signature(fn)

        def recording(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            spy.append(json.loads(json.dumps(C._jsonable(dict(bound.arguments)))))
            return fn(*args, **kwargs)

        namespace[folder.answer] = recording
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_form(folder), f"{folder.slug}/form.py", "exec"), namespace)
    return out.getvalue()


@pytest.mark.parametrize("folder", FUNCTIONS, ids=[f.slug for f in FUNCTIONS])
def test_the_solution_passes_its_visible_self_check(folder):
    form = _form(folder)
    assert "_selfcheck(" in form, f"{folder.slug}: form.py has no self-check"
    printed = _run(folder, solution_cell(folder.id))
    assert "public example" in printed and ": correct" in printed, printed


@pytest.mark.parametrize("folder", FUNCTIONS, ids=[f.slug for f in FUNCTIONS])
def test_a_known_mistake_fails_the_visible_self_check(folder):
    caught = {}
    known = folder.module("mistakes").MISTAKES or [
        {"name": "wrong", "code": WRONG_WITHOUT_MISTAKES[folder.slug]}]
    for m in known:
        try:
            _run(folder, m["code"])
        except AssertionError as exc:
            caught[m["name"]] = str(exc)
        except Exception as exc:   # e.g. a shape error in the form check itself
            caught[m["name"]] = f"{type(exc).__name__}: {exc}"
    assert caught, f"{folder.slug}: every known mistake passes the visible check"
    wrong_on_example = [msg for msg in caught.values() if msg.startswith("public example")]
    assert all(": expected" in msg or " is wrong" in msg for msg in wrong_on_example), wrong_on_example


OUTSIDE = [f for f in FUNCTIONS if f.slug not in WHOLE_SPACE_GRADED]


@pytest.mark.parametrize("folder", OUTSIDE, ids=[f.slug for f in OUTSIDE])
def test_the_public_example_is_no_graded_case(folder):
    calls: list[dict] = []
    _run(folder, solution_cell(folder.id), spy=calls)
    spec = C.SPECS[folder.id]
    as_params = spec.to_params or (lambda args: args)
    statement = as_params(C.cases(folder.id, 0)[0]["args"])   # the statement's own numbers
    examples = [c for c in calls if as_params(c) != statement]
    form = _form(folder)
    assert not [s for s in graded_strings(folder)
                if re.search(r"(?<![\w.])" + re.escape(s) + r"(?![\w])", form)]
    assert examples, f"{folder.slug}: the self-check only repeats the statement's numbers"
    for seed in GRADING_RUNS:
        scored = [c["args"] for c in C.cases(folder.id, seed)[1:]]
        for example in examples:
            assert example not in scored, (seed, example)


def test_norm_axes_grades_every_layout():
    """Is the exception justified: do norm_axes' grading runs ask every order of NCHW?"""
    import itertools

    asked = {c["args"]["layout"] for seed in range(60) for c in C.cases("hw2.q3", seed)}
    assert asked == {"".join(p) for p in itertools.permutations("NCHW")}
