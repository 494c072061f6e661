"""Tests of same_conv_stack_counts (hw4.q2_counts) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw4.q2_counts"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_counts_are_for_the_students_own_stack():
    """Are the total and the last output compared with the stack of the statement
    (3x200x300, 100-200-400 channels, 3x3, stride 2 by default: 100*28 + 200*901 +
    400*1801 parameters, 200x300 -> 100x150 -> 50x75 -> 25x38), so that another stack's
    numbers lose those checks?"""
    right = {"total": 100 * 28 + 200 * 901 + 400 * 1801, "output": [400, 25, 38]}
    assert grade_answer(ID, right)[0] == 1.0
    stride_one = {"total": right["total"], "output": [400, 200, 300]}
    fraction, messages = grade_answer(ID, stride_one)
    assert fraction == 1 / 2
    assert any("output: not the last output of the stack of your statement" in m
               for m in messages), messages
