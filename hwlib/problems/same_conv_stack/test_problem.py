"""Tests of same_conv_stack (hw4.q2) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks

ID = "hw4.q2"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)
