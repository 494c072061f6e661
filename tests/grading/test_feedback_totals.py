"""Does the feedback page state what a student can act on: parts awaiting a
human as "pending" (not 0), the total of what was graded, and a late penalty
with the totals before and after it?

Expected texts are written out by hand from the toy assignment (q1 2 points,
q2 1 point, q3 3 points, w1 1 point graded by hand) and from the numbers
put into nbgrader's gradebook.
"""
from __future__ import annotations

import re

import pytest
from nbgrader.api import Gradebook

from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, sandbox
from hwlib.grading.feedback_page import cell_status, summary
from hwlib.grading.gradebook import Recorder

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)


@pytest.mark.parametrize("grades,penalty,text", [
    ([(2.0, 2.0, False), (1.0, 1.0, False)], 0, "Score: 3 / 3"),
    ([(2.0, 2.0, False), (0.0, 2.0, True)], 0,
     "autograded 2 / 2; 2 points awaiting manual grading"),
    ([(1.5, 2.0, False), (0.0, 1.0, True)], 0,
     "autograded 1.5 / 2; 1 point awaiting manual grading"),
    ([(4.0, 5.0, False)], 1.0,
     "Score: 4 / 5 before the late penalty; late penalty -1; 3 / 5 after it"),
    ([(4.0, 5.0, False), (0.0, 2.0, True)], 0.5,
     "autograded 4 / 5 before the late penalty; late penalty -0.5; 3.5 / 5 after it; "
     "2 points awaiting manual grading"),
    ([(None, 2.0, False), (1 / 3, 1.0, False)], 0, "Score: 0.33 / 3"),
])
def test_summary_texts(grades, penalty, text):
    """Is each combination of pending parts and penalty stated exactly?"""
    assert summary(grades, penalty) == text


def test_cell_status_texts():
    """Does a pending cell read "pending (manual, N points)" and a graded one its score?"""
    assert cell_status(0.0, 2.0, True) == "pending (manual, 2 points)"
    assert cell_status(0.0, 1.0, True) == "pending (manual, 1 point)"
    assert cell_status(1.25, 2.0, False) == "Score: 1.25 / 2"
    assert cell_status(None, 2.0, False) == "Score: 0 / 2"


def _heading(page: str) -> str:
    return re.search(r"<h4>(.*?)</h4>", page, re.S).group(1).strip()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("totals")
    course = new_toy_course(root)
    subs = root / "subs"
    write_submission(subs, "alice", toy_notebook())
    engine.grade(course, "toy", subs, jobs=1, seed=5, checkers="toy_checkers", limits=LIMITS)
    return course


def _page(course) -> str:
    return (course / "feedback" / "alice" / "toy" / "toy.html").read_text(encoding="utf-8")


_CLEAR = object()


def _regenerate(course, manual=None, penalty=None) -> str:
    """The page generated again after setting w1's manual score and the late penalty
    (None: leave as is; _CLEAR: no score / no penalty)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        if manual is not None:
            grade = gb.find_grade("w1-answer", "toy", "toy", "alice")
            grade.manual_score = None if manual is _CLEAR else manual
        if penalty is not None:
            gb.find_submission_notebook("toy", "toy", "alice").late_submission_penalty = (
                None if penalty is _CLEAR else penalty)
        gb.db.commit()
    recorder = Recorder(course)
    try:
        recorder.feedback("toy", "alice")
    finally:
        recorder.close()
    return _page(course)


def test_pending_written_answer_is_not_a_zero(graded):
    """Right autograded answers and an ungraded written one: 6 of the 6 autograded
    points, 1 point awaiting a human, and no "0.0 / 1.0" for the written answer."""
    page = _page(graded)
    assert _heading(page) == "toy (autograded 6 / 6; 1 point awaiting manual grading)"
    assert '<a href="#w1-answer">Written response</a>: pending (manual, 1 point)</li>' in page
    assert page.count("pending (manual, 1 point)") == 2   # table of contents and the cell
    assert "0.0 / 1.0" not in page and "Score: 0 / 1" not in page
    assert '<a href="#q3-tests">Test cell</a> (Score: 3 / 3)</li>' in page


def test_manual_score_and_late_penalty_are_shown(graded):
    """With a manual score of 0.5 and a late penalty of 1.5 in the gradebook:
    the written answer shows 0.5 / 1 and counts; the total is 6.5 / 7 before the
    penalty and 5 / 7 after it."""
    try:
        page = _regenerate(graded, manual=0.5, penalty=1.5)
        assert _heading(page) == ("toy (Score: 6.5 / 7 before the late penalty; "
                                  "late penalty -1.5; 5 / 7 after it)")
        assert '<a href="#w1-answer">Written response</a> (Score: 0.5 / 1)</li>' in page
        assert "pending" not in page
        assert "Late submission penalty (Score: -1.5)" in page
    finally:   # the module's other test reads the page as graded
        _regenerate(graded, manual=_CLEAR, penalty=_CLEAR)


def test_pending_again_once_the_manual_score_is_cleared(graded):
    """Regenerated from the gradebook with no manual score and no penalty: pending again."""
    page = _regenerate(graded, manual=_CLEAR, penalty=_CLEAR)
    assert _heading(page) == "toy (autograded 6 / 6; 1 point awaiting manual grading)"
