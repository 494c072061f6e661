"""Tests of separable_conv_counts (hw2.q5_counts) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw2.q5_counts"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_counts_are_for_the_students_own_layer():
    """Are the counts compared with the layer of the statement (3 -> 4 channels, 3x3 by
    default: 4*3*9, 3*9, 3*4 and their sum), so that counts for another layer lose exactly
    the counts that differ?"""
    assert grade_answer(ID, {"standard": 108, "depthwise": 27, "pointwise": 12,
                             "separable": 39})[0] == 1.0
    other = {"standard": 4 * 3 * 25, "depthwise": 3 * 25, "pointwise": 12,   # k = 5
             "separable": 3 * 25 + 12}
    fraction, messages = grade_answer(ID, other)
    assert fraction == 1 / 4
    assert any("standard: not the count for the layer of your statement" in m
               for m in messages), messages
