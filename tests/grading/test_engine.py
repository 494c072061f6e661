"""End to end on the toy assignment: sandbox -> scores -> gradebook -> feedback.

Expected scores are computed by hand from the toy checkers (fixtures/
toy_checkers.py): q1 2 points over 3 cases, q2 1 point, q3 3 points over 3
cases, w1 graded by hand.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grading_helpers import (REPO, feedback_leaks, new_toy_course, toy_notebook,
                             write_submission)
from hwlib.grading import engine, sandbox

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
ATOL = 1e-9

# student -> (answer cells replaced, expected points per problem); None: manual
STUDENTS = {
    "alice": ({}, {"toy.q1": 2, "toy.q2": 1, "toy.q3": 3, "toy.w1": None}),
    # q3 off by one everywhere: 0 of 3 cases
    "bob": ({"q3-answer": "def scale(x, factor):\n    return [factor * v + 1 for v in x]"},
            {"toy.q1": 2, "toy.q2": 1, "toy.q3": 0, "toy.w1": None}),
    # hard-codes the seed example of q1 (1 case of 3), a wrong value for q2
    "dave": ({"q1-answer": "def add_vectors(a, b):\n    return [11, 22, 33]",
              "q2-answer": "answer_q2 = 41"},
             {"toy.q1": round(2 / 3, 4), "toy.q2": 0, "toy.q3": 3, "toy.w1": None}),
}


def _subs(folder: Path) -> Path:
    for student, (answers, _) in STUDENTS.items():
        write_submission(folder, student, toy_notebook(answers))
    write_submission(folder, "carol", toy_notebook(stub_rest=True))  # untouched
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The toy course graded once (2 parallel sandboxes)."""
    root = tmp_path_factory.mktemp("engine")
    course = new_toy_course(root)
    subs = _subs(root / "subs")
    report = engine.grade(course, "toy", subs, jobs=2, seed=1234, checkers="toy_checkers",
                          limits=LIMITS)
    return course, subs, report


def _gradebook_scores(course: Path, student: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook("toy", "toy", student)
        return {g.name: g.score for g in nb.grades}


@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_scores_are_exact(graded, student):
    """Does each submission get exactly its hand-computed points per problem?"""
    _, _, report = graded
    want = STUDENTS[student][1]
    got = report.scores[student]
    assert set(got) == set(want)
    for pid, points in want.items():
        if points is None:
            assert got[pid] is None
        else:
            assert got[pid] == pytest.approx(points, abs=ATOL)
    assert report.total[student] == pytest.approx(
        sum(v for v in want.values() if v is not None), abs=ATOL)


def test_untouched_release_scores_zero(graded):
    """Does an untouched notebook score zero everywhere (w1 included)?"""
    _, _, report = graded
    assert report.scores["carol"] == {"toy.q1": 0, "toy.q2": 0, "toy.q3": 0, "toy.w1": 0}


def test_gradebook_holds_the_points(graded):
    """Are the same points in nbgrader's SQLite gradebook, read with nbgrader's API?"""
    course, _, _ = graded
    got = _gradebook_scores(course, "dave")
    assert got["q1-tests"] == pytest.approx(round(2 / 3, 4), abs=ATOL)
    assert got["q2-tests"] == 0 and got["q3-tests"] == 3


def test_grades_csv_lists_every_student(graded):
    """Does grades.csv (nbgrader export) have one row per student with its score?"""
    course, _, _ = graded
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv"))}
    assert sorted(rows) == ["alice", "bob", "carol", "dave"]
    assert float(rows["alice"]["score"]) == pytest.approx(6, abs=ATOL)
    assert float(rows["bob"]["score"]) == pytest.approx(3, abs=ATOL)


def test_messages_name_each_check(graded):
    """Are the checker's lines returned per problem, one per case?"""
    _, _, report = graded
    q1 = report.messages["dave"]["toy.q1"]
    assert len(q1) == 3
    assert q1[0].endswith("correct") and not q1[0].endswith("wrong value")
    assert all(line.endswith("wrong value") for line in q1[1:])


def test_feedback_has_messages_and_no_hidden_tests(graded):
    """Does the feedback HTML show the checker's lines but no hidden test
    source, no traceback and no script loaded from the network?"""
    course, _, _ = graded
    html = (course / "feedback" / "dave" / "toy" / "toy.html").read_text()
    assert "wrong value" in html and "correct" in html
    assert feedback_leaks(html) == []
    assert "toy_checkers" not in html


def test_autograded_notebook_keeps_locked_cells_from_source(graded):
    """Does the autograded notebook hold the instructor's test cells (restored
    by nbgrader from the gradebook), not whatever the student submitted?"""
    course, _, _ = graded
    text = (course / "autograded" / "bob" / "toy" / "toy.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in text and "toy_checkers" in text


def test_second_run_changes_nothing(graded):
    """Is grading idempotent: a rerun grades nothing, and the gradebook, the
    autograded notebooks and the feedback stay as they were?"""
    course, subs, report = graded
    files = sorted(p for d in ("autograded", "feedback") for p in (course / d).rglob("*")
                   if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in files}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        counts = (len(gb.students), len(gb.assignment_submissions("toy")))
    again = engine.grade(course, "toy", subs, jobs=2, checkers="toy_checkers", limits=LIMITS)
    assert again.regraded == []
    assert again.scores == report.scores
    assert {p: p.stat().st_mtime_ns for p in files} == before
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert (len(gb.students), len(gb.assignment_submissions("toy"))) == counts == (4, 4)


def test_changed_submission_is_regraded(tmp_path):
    """After a student's file changes, is exactly that student graded again?"""
    course = new_toy_course(tmp_path)
    subs = tmp_path / "subs"
    write_submission(subs, "alice", toy_notebook())
    write_submission(subs, "bob", toy_notebook())
    engine.grade(course, "toy", subs, jobs=2, checkers="toy_checkers", limits=LIMITS)
    write_submission(subs, "bob", toy_notebook(stub_rest=True))
    report = engine.grade(course, "toy", subs, jobs=2, checkers="toy_checkers", limits=LIMITS)
    assert report.regraded == ["bob"]
    assert report.total == {"alice": 6, "bob": 0}


KILLED_RUN = """
import sys
sys.path.insert(0, {fixtures!r})
from hwlib.grading import engine, sandbox
limits = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, memory_bytes=2 * 1024 ** 3)
engine.grade({course!r}, "toy", {subs!r}, jobs=1, checkers="toy_checkers", limits=limits)
"""


def test_killed_run_resumes_without_losing_grades(tmp_path):
    """If the grader is killed (SIGKILL) after recording one submission, does a
    rerun keep that grade, grade only the rest, and end with every grade?"""
    course = new_toy_course(tmp_path)
    subs = tmp_path / "subs"
    students = ["s1", "s2", "s3", "s4", "s5", "s6"]
    for s in students:
        write_submission(subs, s, toy_notebook())
    code = KILLED_RUN.format(fixtures=str(REPO / "tests" / "grading" / "fixtures"),
                             course=str(course), subs=str(subs))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    markers = course / engine.STATE_DIR / "toy"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(markers.glob("*.json")):
        assert proc.poll() is None, "the grading run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = sorted(p.stem for p in markers.glob("*.json"))
    assert 1 <= len(done_before) < len(students)
    report = engine.grade(course, "toy", subs, jobs=2, checkers="toy_checkers", limits=LIMITS)
    assert sorted(report.regraded) == sorted(set(students) - set(done_before))
    assert report.total == {s: 6 for s in students}


def test_workers_are_spawned_once_torch_is_loaded(monkeypatch):
    """Does the pool stop forking once torch is imported (a forked child that runs
    torch after the parent did deadlocks in OpenMP), and fork otherwise?"""
    import sys as _sys

    from hwlib.grading import engine

    monkeypatch.setitem(_sys.modules, "torch", object())
    assert engine._start_method() == "spawn"
    monkeypatch.delitem(_sys.modules, "torch")
    monkeypatch.setattr(engine.threading, "active_count", lambda: 1)
    assert engine._start_method() == "fork"
    monkeypatch.setattr(engine.threading, "active_count", lambda: 2)
    assert engine._start_method() == "spawn"
