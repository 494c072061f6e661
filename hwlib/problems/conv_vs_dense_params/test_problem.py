"""Tests of conv_vs_dense_params (hw1.p3a) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw1.p3a"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_equivalent_formulas_are_accepted():
    """Are differently written but equivalent parameter counts accepted?"""
    formulas = {"conv": "C_out*C_in*k^2 + C_out", "dense": "(H*W)^2*C_in*C_out + H*W*C_out"}
    assert grade_answer(ID, formulas)[0] == 1.0
