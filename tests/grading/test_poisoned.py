"""One poisoned submission among honest ones: everyone else is still graded.

nbgrader reads a submission's ``timestamp.txt`` before grading it and raises
on a malformed one (each file below made plain nbgrader raise, checked by
``test_plain_nbgrader_raises_on_each_poison``); that used to stop the whole
run. Now the bad file costs its submission nothing but a note, and a grader
fault on one submission is reported, not recorded as a zero.
"""
from __future__ import annotations

import pytest
from nbgrader.coursedir import CourseDirectory

from grading_helpers import feedback_leaks, new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, gradebook, sandbox

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
FULL = {"toy.q1": 2, "toy.q2": 1, "toy.q3": 3, "toy.w1": None}
POISONS = {
    "poison_text": b"not a date",
    "poison_binary": b"\xff\xfe\x00garbage",
    "poison_overflow": b"99999999999-01-01 00:00:00",
    "poison_huge": b"1" * 300,
}
NOTES = {
    "poison_text": "timestamp.txt holds 'not a date', which is not a date and time; it was "
                   "ignored (the submission time is unknown)",
    "poison_binary": "timestamp.txt is not readable text and was ignored",
    "poison_overflow": "timestamp.txt holds '99999999999-01-01 00:00:00', which is not a "
                       "date and time; it was ignored (the submission time is unknown)",
    "poison_huge": "timestamp.txt is larger than 200 bytes and was ignored (the submission "
                   "time is unknown)",
}


@pytest.mark.parametrize("student", sorted(POISONS))
def test_plain_nbgrader_raises_on_each_poison(tmp_path, student):
    """Is each poison a real one: does nbgrader's own timestamp reader raise?"""
    (tmp_path / "timestamp.txt").write_bytes(POISONS[student])
    with pytest.raises(Exception):
        CourseDirectory().get_existing_timestamp(str(tmp_path))


@pytest.fixture(scope="module")
def poisoned_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("poisoned")
    course = new_toy_course(root)
    subs = root / "subs"
    for student in ("honest_a", "honest_b", *POISONS):
        write_submission(subs, student, toy_notebook())
    for student, data in POISONS.items():
        (subs / student / "timestamp.txt").write_bytes(data)
    (subs / "honest_b" / "timestamp.txt").write_text("2026-01-15 10:00:00 UTC")
    report = engine.grade(course, "toy", subs, jobs=2, seed=5, checkers="toy_checkers",
                          limits=LIMITS)
    return course, report


def test_every_submission_is_graded(poisoned_run):
    """Do the honest submissions AND the poisoned ones get their answers' points?"""
    _, report = poisoned_run
    assert sorted(report.scores) == sorted(["honest_a", "honest_b", *POISONS])
    for student in report.scores:
        assert report.scores[student] == FULL, student
    assert report.faults == {}


def test_the_bad_file_is_named_in_feedback_and_summary(poisoned_run):
    """Does each poisoned submission get a note naming its file, in its
    messages, its feedback page and the run summary; and the others none?"""
    course, report = poisoned_run
    assert report.notes == {s: [NOTES[s]] for s in POISONS}
    for student, note in NOTES.items():
        assert report.messages[student]["toy.q1"][0] == note
        html = (course / "feedback" / student / "toy" / "toy.html").read_text()
        assert "timestamp.txt" in html and feedback_leaks(html) == []
        assert f"  {student}: {note}" in report.table()
    assert "timestamp.txt" not in "".join(report.messages["honest_b"]["toy.q1"])


def test_grader_fault_is_reported_not_recorded_as_zero(tmp_path, monkeypatch):
    """If recording one submission fails (a grader fault), are the others
    graded, the fault named in the summary, and no grade or done-marker
    written for that student (a rerun grades it)?"""
    course = new_toy_course(tmp_path)
    subs = tmp_path / "subs"
    for student in ("ok_1", "unlucky", "ok_2"):
        write_submission(subs, student, toy_notebook())
    real = gradebook.Recorder.record

    def flaky(self, assignment, student, *args, **kwargs):
        if student == "unlucky":
            raise RuntimeError("disk quota exceeded")
        return real(self, assignment, student, *args, **kwargs)

    monkeypatch.setattr(gradebook.Recorder, "record", flaky)
    report = engine.grade(course, "toy", subs, jobs=2, seed=5, checkers="toy_checkers",
                          limits=LIMITS)
    assert report.scores["ok_1"] == FULL and report.scores["ok_2"] == FULL
    assert report.faults == {"unlucky": "it could not be recorded in the gradebook "
                                        "(RuntimeError: disk quota exceeded)"}
    assert report.scores["unlucky"] == {"toy.q1": None, "toy.q2": None, "toy.q3": None,
                                        "toy.w1": None}
    assert "GRADER FAULTS" in report.table()
    assert not (course / engine.STATE_DIR / "toy" / "unlucky.json").exists()
    monkeypatch.setattr(gradebook.Recorder, "record", real)
    again = engine.grade(course, "toy", subs, jobs=1, seed=5, checkers="toy_checkers",
                         limits=LIMITS)
    assert again.regraded == ["unlucky"] and again.scores["unlucky"] == FULL
