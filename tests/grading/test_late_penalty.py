"""Does the printed table show labels and nbgrader's late penalties, and does moving
the due date re-apply the penalties without regrading anything?

Toy course with nbgrader's ``zero`` late-penalty method (a late submission's
penalty is its whole score): alice hands in before the due date, bob a day
after, both right everywhere (6 points, by hand from fixtures/toy_checkers.py).
"""
from __future__ import annotations

import csv
import json

import pytest
from nbgrader.api import Gradebook

from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, sandbox
from hwlib.grading.gradebook import Recorder

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
LABELS = {"toy.q1": "1", "toy.q2": "2", "toy.q3": "3(a)", "toy.w1": "3(b)"}


def _set_due(course, when: str) -> None:
    Recorder(course).close()   # nbgrader creates a gradebook with `alembic`: put it on PATH
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment("toy", duedate=when)


def _csv(course) -> dict:
    return {r["student_id"]: (float(r["raw_score"]), float(r["late_submission_penalty"]),
                              float(r["score"]))
            for r in csv.DictReader(open(course / "grades.csv"))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("late")
    course = new_toy_course(root)
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    manifest = json.loads((course / "manifest.json").read_text())
    for p in manifest["assignments"]["toy"]["problems"]:
        p["label"] = LABELS[p["id"]]
    (course / "manifest.json").write_text(json.dumps(manifest))
    subs = root / "subs"
    for student, when in (("alice", "2030-01-01 10:00:00 UTC"), ("bob", "2030-01-02 12:00:00 UTC")):
        write_submission(subs, student, toy_notebook())
        (subs / student / "timestamp.txt").write_text(when)
    _set_due(course, "2030-01-01 12:00:00")
    report = engine.grade(course, "toy", subs, jobs=2, seed=7, checkers="toy_checkers",
                          limits=LIMITS)
    return course, subs, report


def test_table_shows_labels_penalty_and_final(graded):
    """Are the columns headed by the labels students see, with late and final columns?"""
    _, _, report = graded
    assert report.total == {"alice": 6, "bob": 6}
    assert report.penalty == {"bob": 6}
    head, _, maxima, alice, bob = report.table().split("\n")[1:6]
    assert head.split() == ["student", "1", "2", "3(a)", "3(b)", "total", "late", "final"]
    assert maxima.split() == ["(max)", "2", "1", "3", "1", "7", "7"]
    assert alice.split() == ["alice", "2", "1", "3", "manual", "6", "6"]
    assert bob.split() == ["bob", "2", "1", "3", "manual", "6", "-6", "0"]
    assert "bob: -6 (total 6, final 0)" in report.summary()


def test_moving_the_due_date_reapplies_penalties_without_sandbox(graded, monkeypatch):
    """After the due date moves, do penalties follow (gradebook and grades.csv) while
    the scores and the grading records stay, with no sandbox run?"""
    course, subs, _ = graded

    def no_sandbox(*args, **kwargs):
        raise AssertionError("a sandbox ran")

    monkeypatch.setattr(sandbox, "execute", no_sandbox)
    assert _csv(course) == {"alice": (6, 0, 6), "bob": (6, 6, 0)}
    before = {s: engine.recorded(course, "toy", s) for s in ("alice", "bob")}
    _set_due(course, "2030-01-03 00:00:00")
    changed = engine.reapply_penalties(course, "toy")
    assert changed == {"alice": (0.0, 0.0), "bob": (6.0, 0.0)}
    assert _csv(course) == {"alice": (6, 0, 6), "bob": (6, 0, 6)}
    after = {s: engine.recorded(course, "toy", s) for s in ("alice", "bob")}
    for s in after:   # the grading records are those of the first run, only the due date moved
        for pid, row in after[s].items():
            assert row["duedate"] == "2030-01-03T00:00:00"
            assert {k: v for k, v in row.items() if k != "duedate"} == {
                k: v for k, v in before[s][pid].items() if k != "duedate"}

    # moved back: a plain run sees the gradebook's due date differ from the recorded
    # one and re-applies the penalties itself, regrading nothing
    _set_due(course, "2030-01-01 12:00:00")
    report = engine.grade(course, "toy", subs, jobs=2, seed=7, checkers="toy_checkers",
                          limits=LIMITS)
    assert report.regraded == [] and report.penalty == {"bob": 6}
    assert report.total == {"alice": 6, "bob": 6} and report.final("bob") == 0
    assert _csv(course) == {"alice": (6, 0, 6), "bob": (6, 6, 0)}
