"""Tests of filter_from_output (hw2.q2b) beyond the shared ones in tests/test_problems.py."""
import numpy as np
import torch
import torch.nn.functional as F

from hwlib import conv, registry
from hwlib.grading.checkers import N_DRAWN
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw2.q2b"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_hard_coded_seed_answer_earns_nothing():
    """Does returning the statement example's filter pass the (unscored) example only, for 0?"""
    seed_answer = registry.solve(ID)
    for seed in range(20):
        fraction, messages = grade_answer(ID, lambda x, y: seed_answer, seed)
        assert fraction == 0.0
        assert messages[0] == "seed example (not scored): correct"
        assert len(messages) >= 1 + N_DRAWN   # the example, the designed and the drawn cases


def test_raising_function_scores_zero_with_the_error():
    """Is a function that raises given 0, with its exception in the message?"""
    def boom(x, y):
        raise ZeroDivisionError("division by zero")
    fraction, messages = grade_answer(ID, boom)
    assert fraction == 0.0
    assert messages[0] == "seed example (not scored): your function raised ZeroDivisionError: division by zero"


def test_statement_example_worked_by_hand():
    """Is the statement's filter [2, -1, 3] (worked by hand), as torch's conv1d confirms?"""
    x, y = (registry.get(ID).defaults[k] for k in ("x", "y"))
    w = conv.recover_filter(x, y)
    np.testing.assert_allclose(w, [2, -1, 3], atol=1e-10)
    t64 = lambda a: torch.tensor(a, dtype=torch.float64)[None, None]  # noqa: E731
    np.testing.assert_allclose(F.conv1d(t64(x), t64(w))[0, 0].numpy(), y, atol=1e-10)
    np.testing.assert_allclose(conv.recover_filter(x, y, flipped=True), [3, -1, 2], atol=1e-10)
