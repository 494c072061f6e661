"""Tests of meanonly_bn_formula (hw2.q4_formula) beyond the shared ones in tests/test_problems.py."""
import pytest

from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw2.q4_formula"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


@pytest.mark.parametrize("text", ["gamma*g_i - gamma*S/n", "gamma*(g_i - mean(g))"])
def test_every_name_of_the_mean_is_accepted(text):
    """Are S/n and mean(g) accepted for the batch mean?"""
    assert grade_answer(ID, text)[0] == 1.0
