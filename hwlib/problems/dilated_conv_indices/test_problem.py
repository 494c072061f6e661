"""Tests of dilated_conv_indices (hw3.q1) beyond the shared ones in tests/test_problems.py."""
from hwlib import registry
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw3.q1"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_off_by_one_names_the_second_tap():
    """Is the first wrong tap of the seed example named (the second, one step short)?"""
    wrong = mistake(ID, "dilation_off_by_one")
    params = registry.get(ID).defaults
    message = grade_cell(ID, wrong)[1][0]
    start = 1 + params["stride"]   # the seed example asks for z_2
    right, got = start + params["dilation"] + 1, start + params["dilation"]
    assert message.startswith(f"seed example (not scored): entry 1 should be {right}, got {got}")
