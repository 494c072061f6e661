"""Tests of transpose_conv_2d (hw2.q2c) beyond the shared ones in tests/test_problems.py."""
import numpy as np
import torch
import torch.nn.functional as F

from hwlib import conv, registry
from hwlib.problems.testing import assert_full_marks, grade_cell, mistake

ID = "hw2.q2c"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_hand_worked_answer_names_the_wrong_entries():
    """Does the hand-worked answer of the statement's example name (0,1), (1,0), (2,1)?"""
    wrong = mistake(ID, "transpose_handworked")
    messages = grade_cell(ID, wrong)[1]
    assert messages[0] == ("seed example (not scored): entry (0,1) should be 3, got 6; entry (1,0) "
                           "should be 3, got 0; entry (2,1) should be 3, got 0 (this is the "
                           "statement's example worked by hand: compute the output from the "
                           "arguments)")


def test_statement_example_worked_by_hand():
    """Is the statement's output [[-1,3,-2],[3,-3,1],[0,3,1]] (by hand), as torch computes it?"""
    params = registry.get(ID).defaults
    x, w = params["x"], params["w"]
    t64 = lambda a: torch.tensor(a, dtype=torch.float64)[None, None]  # noqa: E731
    ref = F.conv_transpose2d(t64(x), t64(w), stride=params["stride"],
                             padding=params["padding"])[0, 0].numpy()
    np.testing.assert_allclose(ref, [[-1, 3, -2], [3, -3, 1], [0, 3, 1]], atol=1e-10)
    np.testing.assert_allclose(conv.transpose_conv2d(x, w, params["stride"], params["padding"]),
                               ref, atol=1e-10)
