"""Tests of conv_vs_dense_params (hw1.p3a) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw1.p3a"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_equivalent_formulas_are_accepted():
    """Are differently written but equivalent parameter counts accepted?"""
    formulas = {"conv": "C_out*C_in*k^2 + C_out", "dense": "(H*W)^2*C_in*C_out + H*W*C_out",
                "conv_count": 3 * 3 * 3 * 16 + 16, "dense_count": 1024 * 1024 * 3 * 16 + 1024 * 16}
    assert grade_answer(ID, formulas)[0] == 1.0


def test_counts_are_for_the_students_own_layer():
    """Are the counts compared with the layer of the statement (32x32, 3 -> 16, k=3 by
    default), so that counts for another layer lose exactly those two checks?"""
    answer = {"conv": "C_out*(k**2*C_in + 1)", "dense": "H*W*C_out*(H*W*C_in + 1)",
              "conv_count": 5 * 5 * 3 * 16 + 16,                       # k = 5
              "dense_count": 1024 * 1024 * 3 * 16 + 1024 * 16}
    fraction, messages = grade_answer(ID, answer)
    assert fraction == 3 / 4
    assert any("conv_count: not the count" in m for m in messages), messages
