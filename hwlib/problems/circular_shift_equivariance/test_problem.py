"""Tests of circular_shift_equivariance (hw1.p2) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw1.p2"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages
