"""Tests of transpose_conv_2d (hw2.q2c) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw2.q2c"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_hand_worked_answer_names_the_wrong_entries():
    """Does the hand-worked answer of the statement's example name (0,1), (1,0), (2,1)?"""
    wrong = mistake(ID, "transpose_handworked")
    messages = grade_cell(ID, wrong)[1]
    assert messages[0] == ("seed example: entry (0,1) should be 3, got 6; entry (1,0) "
                           "should be 3, got 0; entry (2,1) should be 3, got 0")
