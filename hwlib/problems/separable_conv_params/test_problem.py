"""Tests of separable_conv_params (hw2.q5) beyond the shared ones in tests/test_problems.py."""
from hwlib import registry
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw2.q5"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_forgotten_pointwise_names_the_separable_count():
    """Does the message give the right separable count and the one written?"""
    wrong = mistake(ID, "forgot_pointwise")
    want = registry.solve(ID)
    messages = grade_cell(ID, wrong)[1]
    assert (f"seed example (not scored), separable: should be {want['separable']}, "
            f"got {want['depthwise']} (the separable count leaves out the pointwise 1x1 "
            "convolution)") in messages
