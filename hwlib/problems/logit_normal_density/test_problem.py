"""Tests of logit_normal_density (hw3.q8) beyond the shared ones in tests/test_problems.py."""
import pytest

from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw3.q8"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_equivalent_formula_is_accepted():
    """Is the density written with log(x) - log(1-x) accepted?"""
    text = "1/(x*(1-x)*sqrt(2*pi)) * exp(-(log(x) - log(1-x))**2/2)"
    assert grade_answer(ID, text)[0] == 1.0


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "9**9**9**9",
                                  "lambda: 1", "x.__class__", "open('f')", "10**100000",
                                  "exp(x)[0]", "x;1"])
def test_unsafe_formulas_are_refused(text):
    """Are strings that could run code or explode refused with a message (not evaluated)?"""
    fraction, messages = grade_answer(ID, text)
    assert fraction == 0.0 and len(messages) == 1
