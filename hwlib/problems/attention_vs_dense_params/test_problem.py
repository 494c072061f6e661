"""Tests of attention_vs_dense_params (hw3.q6) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import grade_answer, grade_cell, solution_cell

ID = "hw3.q6"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_equivalent_formulas_are_accepted():
    """Are differently written but equivalent counts in D and N accepted?"""
    formulas = {"attention_weights": "D*D*3", "attention_biases": "D+D+D",
                "dense_weights": "D**2 * N**2", "dense_biases": "N*D"}
    assert grade_answer(ID, formulas)[0] == 1.0
