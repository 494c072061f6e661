"""Does the feedback of every known mistake name that mistake, and does no feedback
line show the grader's internals?

* Named: each mistake's ``phrase`` (mistakes.py) appears in its feedback on
  every run tried, and does NOT appear in the feedback of a different wrong
  answer to the same problem: the reference answer (solution.py) with every
  number changed (ints + 1, floats * 1.5 + 1, formulas 2*(f) + 1, booleans
  negated). A phrase every wrong answer gets ("should be") names nothing.
* No internals: no line of any of those feedbacks, nor of the feedback of
  answers of the wrong type (None, a string, a ragged list, a dict, a huge
  number, an exception), lists a Python repr of an internal object, a sympy
  or numpy constructor, a private name (``_key``), a Python type name or a
  traceback.
"""
from __future__ import annotations

import re

import pytest

from hwlib.grading.checkers import _jsonable
from hwlib.problems import folders
from hwlib.problems.testing import grade_answer, grade_cell, run_cell, solution_cell

SEEDS = (0, 1)
AUTOGRADED = [f for f in sorted(folders().values(), key=lambda f: f.slug)
              if f.kind in ("function", "value") and f.module("mistakes")]
MISTAKES = [(f, m) for f in AUTOGRADED for m in f.module("mistakes").MISTAKES]
# Formula answers (value problems): their checks say which formula is wrong and
# where, but no hook recognises the known wrong formula yet (issue 12).
NOT_YET_NAMED = {"attention_vs_dense_params-bias_per_token", "conv_vs_dense_params-dense_bias_forgotten",
                 "logit_normal_density-jacobian_forgotten", "meanonly_bn_formula-forgot_the_mean"}
INTERNAL = re.compile(
    r"object at 0x|<(class|function|module|built-in|lambda)|Traceback|NoneType|__\w+__"
    r"|\b(Symbol|Integer|Float|Rational|Mul|Add|Pow|Matrix|ImmutableDenseNDimArray|Spec"
    r"|array|tensor)\(|\b(np|numpy|sympy|torch|hwlib)\.|dtype=|(?<![\w.])_[A-Za-z]\w*")


def _ids(pairs):
    return [f"{f.slug}-{m['name']}" for f, m in pairs]


def _perturb(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, float):
        return v * 1.5 + 1
    if isinstance(v, str):
        return f"2*({v}) + 1"
    if isinstance(v, list):
        return [_perturb(x) for x in v]
    if isinstance(v, dict):
        return {k: _perturb(x) for k, x in v.items()}
    return v


def _other_wrong_answer(folder):
    """The reference answer with every number changed."""
    reference = run_cell(solution_cell(folder.id), folder.slug)[folder.answer]
    if folder.kind == "function":
        return lambda **kw: _perturb(_jsonable(reference(**kw)))
    return _perturb(_jsonable(reference))


def _raises(**kw):
    raise ValueError("boom")


def _internal(messages):
    return [m for m in messages if INTERNAL.search(m)]


def test_pattern_catches_internals():
    """Does the pattern catch each kind of internal text, and pass ordinary lines?"""
    bad = ["got <function f at 0x7f>", "got Symbol('x')", "got array([1, 2])", "key _key",
           "got NoneType", "Mul(2, x)", "a np.float64", "hwlib.grading failed", "__init__"]
    good = ["entry (0,1) should be 3, got 6", "X_tilde: correct", "dL/dx_i: not it",
            "the dict has no key 'b_h' (keys: a)", "your function raised ValueError: boom"]
    assert [m for m in bad if not INTERNAL.search(m)] == []
    assert _internal(good) == []


@pytest.mark.parametrize("folder,mistake", MISTAKES, ids=_ids(MISTAKES))
def test_mistake_is_named_and_shows_no_internals(folder, mistake):
    """Is the phrase in the mistake's feedback, absent from another wrong answer's
    feedback, and is every line free of internal names?"""
    for seed in SEEDS:
        _, messages = grade_cell(folder.id, mistake["code"], seed)
        assert mistake["phrase"] in "\n".join(messages), (seed, messages)
        assert _internal(messages) == [], seed
    _, other = grade_answer(folder.id, _other_wrong_answer(folder), 0)
    named = mistake["phrase"] not in "\n".join(other)
    assert named != (f"{folder.slug}-{mistake['name']}" in NOT_YET_NAMED), other


@pytest.mark.parametrize("folder", AUTOGRADED, ids=[f.slug for f in AUTOGRADED])
def test_wrong_type_answers_show_no_internals(folder):
    """None, a string, a ragged list, a dict, a huge number and an exception: does
    every feedback line speak of the answer, not of the grader's objects?"""
    for bad in (None, "x", [1, [2]], {"a": 1}, 1e308):
        answer = (lambda *a, _b=bad, **k: _b) if folder.kind == "function" else bad
        _, messages = grade_answer(folder.id, answer, 0)
        assert _internal(messages) == [], (bad, messages)
    if folder.kind == "function":
        _, messages = grade_answer(folder.id, _raises, 0)
        assert _internal(messages) == [] and "ValueError: boom" in messages[0], messages
