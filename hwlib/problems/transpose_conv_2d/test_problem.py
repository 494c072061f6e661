"""Tests of transpose_conv_2d (hw2.q2c) beyond the shared ones in tests/test_problems.py."""
from .mistakes import MISTAKES
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw2.q2c"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_hand_worked_answer_names_the_wrong_entries():
    """Does the hand-worked answer of the statement's example name (0,1), (1,0), (2,1)?"""
    wrong = next(m for m in MISTAKES if m["name"] == "transpose_handworked")
    messages = grade_cell(ID, wrong["code"])[1]
    assert messages[0] == ("seed example: entry (0,1) should be 3, got 6; entry (1,0) "
                           "should be 3, got 0; entry (2,1) should be 3, got 0")
