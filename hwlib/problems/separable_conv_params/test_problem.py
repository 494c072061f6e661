"""Tests of separable_conv_params (hw2.q5) beyond the shared ones in tests/test_problems.py."""
from .mistakes import MISTAKES
from hwlib import registry
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw2.q5"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_forgotten_pointwise_names_the_separable_count():
    """Does the message give the right separable count and the one written?"""
    wrong = next(m for m in MISTAKES if m["name"] == "forgot_pointwise")
    want = registry.solve(ID)
    messages = grade_cell(ID, wrong["code"])[1]
    assert (f"seed example, separable: should be {want['separable']}, "
            f"got {want['depthwise']}") in messages
