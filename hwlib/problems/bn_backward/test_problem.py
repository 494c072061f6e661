"""Tests of bn_backward (hw4.q3) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw4.q3"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_unbiased_variance_keeps_dbeta():
    """Does the (m-1) variance keep the dbeta check of every case?"""
    wrong = mistake(ID, "bn_unbiased_var")
    assert "seed example (not scored), dbeta: correct" in grade_cell(ID, wrong)[1]
