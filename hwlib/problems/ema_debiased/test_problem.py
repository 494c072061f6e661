"""Tests of ema_debiased (hw1.p1) beyond the shared ones in tests/test_problems.py."""
from .mistakes import MISTAKES
from hwlib import registry
from hwlib.problems.testing import grade_cell, solution_cell

ID = "hw1.p1"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    for seed in range(3):
        fraction, messages = grade_cell(ID, solution_cell(ID), seed)
        assert fraction == 1.0, messages


def test_raw_average_message_names_the_first_entry():
    """Does the raw EMA fail on entry 0 with the numbers a student can check?"""
    wrong = next(m for m in MISTAKES if m["name"] == "ema_no_debias")
    first = registry.get(ID).defaults["xs"][0]
    beta = registry.get(ID).defaults["beta"]
    message = grade_cell(ID, wrong["code"])[1][0]
    assert f"seed example: entry 0 should be {first:g}, got {(1 - beta) * first:g}" in message
