"""Tests of attention_vs_dense_params (hw3.q6) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw3.q6"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_equivalent_formulas_are_accepted():
    """Are differently written but equivalent counts in D and N accepted?"""
    formulas = {"attention_weights": "D*D*3", "attention_biases": "D+D+D",
                "dense_weights": "D**2 * N**2", "dense_biases": "N*D",
                "attention_total": 3 * 64 * 64 + 3 * 64, "dense_total": 640 ** 2 + 640}
    assert grade_answer(ID, formulas)[0] == 1.0


def test_totals_are_for_the_students_own_numbers():
    """Are the totals compared with the counts for the D and N of the statement (64, 10 by
    default), so that totals for other numbers lose exactly those two checks?"""
    answer = {"attention_weights": "3*D**2", "attention_biases": "3*D",
              "dense_weights": "(D*N)**2", "dense_biases": "D*N",
              "attention_total": 3 * 32 * 32 + 3 * 32, "dense_total": 320 ** 2 + 320}  # D=32
    fraction, messages = grade_answer(ID, answer)
    assert fraction == 4 / 6
    assert any("attention_total: not the total" in m for m in messages), messages
