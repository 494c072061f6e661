"""Tests of dilated_conv_indices (hw3.q1) beyond the shared ones in tests/test_problems.py."""
from .mistakes import MISTAKES
from hwlib import registry
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw3.q1"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_off_by_one_names_the_second_tap():
    """Is the first wrong tap of the seed example named (the second, one step short)?"""
    wrong = next(m for m in MISTAKES if m["name"] == "dilation_off_by_one")
    params = registry.get(ID).defaults
    message = grade_cell(ID, wrong["code"])[1][0]
    start = 1 + params["stride"]   # the seed example asks for z_2
    right, got = start + params["dilation"] + 1, start + params["dilation"]
    assert message.startswith(f"seed example: entry 1 should be {right}, got {got}")
