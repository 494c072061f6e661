"""Tests of attention_vs_dense_params (hw3.q6) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw3.q6"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_equivalent_formulas_are_accepted():
    """Are differently written but equivalent counts in D and N accepted?"""
    formulas = {"attention_weights": "D*D*3", "attention_biases": "D+D+D",
                "dense_weights": "D**2 * N**2", "dense_biases": "N*D"}
    assert grade_answer(ID, formulas)[0] == 1.0
