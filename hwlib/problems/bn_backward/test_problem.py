"""Tests of bn_backward (hw4.q3) beyond the shared ones in tests/test_problems.py."""
from .mistakes import MISTAKES
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw4.q3"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_unbiased_variance_keeps_dbeta():
    """Does the (m-1) variance keep the dbeta check of every case?"""
    wrong = next(m for m in MISTAKES if m["name"] == "bn_unbiased_var")
    assert "seed example, dbeta: correct" in grade_cell(ID, wrong["code"])[1]
