"""Tests of transpose_conv_1d_symbolic (hw2.q2c_1d) beyond the shared ones in tests/test_problems.py."""
from hwlib.problems.testing import assert_full_marks, grade_answer

ID = "hw2.q2c_1d"


def test_solution_passes_every_check():
    """Does the notebook's solution (solution.py, run without hwlib) earn full marks?"""
    assert_full_marks(ID)


def test_reordered_products_are_accepted():
    """Is 'x*a + ...' accepted where the reference writes 'a*x + ...'?"""
    def answer(inputs, kernel, stride):
        n = (len(inputs) - 1) * stride + len(kernel)
        out = [[] for _ in range(n)]
        for i, a in enumerate(inputs):
            for j, w in enumerate(kernel):
                out[i * stride + j].insert(0, f"{w} * {a}")
        return ["+".join(t) or "0" for t in out]
    assert grade_answer(ID, answer)[0] == 1.0
