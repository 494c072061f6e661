"""Tests of ema_debiased (hw1.p1) beyond the shared ones in tests/test_problems.py."""
from hwlib import registry
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw1.p1"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_raw_average_message_names_the_first_entry():
    """Does the raw EMA fail on entry 0 with the numbers a student can check?"""
    wrong = mistake(ID, "ema_no_debias")
    first = registry.get(ID).defaults["xs"][0]
    beta = registry.get(ID).defaults["beta"]
    message = grade_cell(ID, wrong)[1][0]
    assert f"seed example (not scored): entry 0 should be {first:g}, got {(1 - beta) * first:g}" in message
