"""Are the bundled samples graded in a scratch course, never in the class's gradebook?

`make` (and a plain `python -m hwlib grade hwN`) grades the bundled samples
(`<course>/samples/<hw>/<student>/`). The class's course directory holds the
real class's gradebook, grades.csv, submissions and feedback, so that run
must write nothing there: it grades in `_build/sample-course/` beside the
course. The toy course (tests/grading/fixtures/toy) plays the class's course;
its expected points are worked out by hand (q1 2, q2 1, q3 3, w1 manual).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from hwlib.course import SAMPLES_SECRET

from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.cli import build_parser
from hwlib.grading import engine, sample_course, sandbox

REPO = Path(__file__).resolve().parents[2]
LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
# What grading writes into the course it grades in.
CLASS_RECORDS = ("gradebook.db", "grades.csv", "submitted", "autograded", "feedback",
                 ".grading", "release")
# alice: every answer right; bob: q3 off by one (0 of 3 points).
BOB_Q3 = {"q3-answer": "def scale(x, factor):\n    return [factor * v + 1 for v in x]"}
EXPECTED_TOTALS = {"alice": 2 + 1 + 3, "bob": 2 + 1 + 0}


@pytest.fixture
def toy_engine(monkeypatch):
    """engine.grade with the toy checkers and short limits (the CLI has no --checkers)."""
    real = engine.grade

    def grade(course, name, submissions=None, **kwargs):
        kwargs.update(checkers="toy_checkers", limits=LIMITS, jobs=1)
        return real(course, name, submissions, **kwargs)

    monkeypatch.setattr(engine, "grade", grade)


def _course_with_samples(root: Path) -> Path:
    course = new_toy_course(root)
    write_submission(course / "samples" / "toy", "alice", toy_notebook())
    write_submission(course / "samples" / "toy", "bob", toy_notebook(BOB_Q3))
    (course / ".course-secret").write_text("the class's secret\n")
    return course


def _run(*argv: str) -> int:
    args = build_parser().parse_args(["grade", *argv, "--no-progress"])
    return args.func(args)


def _totals(grades_csv: Path) -> dict[str, float]:
    with grades_csv.open(newline="") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}


def test_samples_are_graded_in_the_scratch_course(tmp_path, toy_engine, capsys):
    """Does grading the samples leave the class's course without a gradebook,
    grades.csv, submissions or feedback, while the scratch course has them all,
    with the hand-computed totals?"""
    course = _course_with_samples(tmp_path)
    assert _run("toy", "--course", str(course)) == 0
    out = capsys.readouterr().out
    scratch = tmp_path / "_build" / "sample-course"
    assert f"scratch course {scratch}" in out
    assert [name for name in CLASS_RECORDS if (course / name).exists()] == []
    assert (course / ".course-secret").read_text() == "the class's secret\n"
    assert _totals(scratch / "grades.csv") == EXPECTED_TOTALS
    assert (scratch / "gradebook.db").is_file()
    assert (scratch / "feedback" / "bob" / "toy" / "toy.html").is_file()
    # the scratch course never receives the class's secret (it makes its own if needed)
    secret = scratch / ".course-secret"
    assert not secret.exists() or secret.read_text() != "the class's secret\n"
    assert f"grades: {scratch / 'grades.csv'}" in out


def test_rerun_regrades_nothing(tmp_path, toy_engine, capsys):
    """Does a second sample run reuse the scratch gradebook (0 graded now)?"""
    course = _course_with_samples(tmp_path)
    assert _run("toy", "--course", str(course)) == 0
    assert "(2 graded now, 0 already graded)" in capsys.readouterr().out
    assert _run("toy", "--course", str(course)) == 0
    assert "(0 graded now, 2 already graded)" in capsys.readouterr().out


def test_a_class_run_grades_into_the_course(tmp_path, toy_engine):
    """With --submissions DIR, are the grades the class's (in the course directory),
    with no scratch course made?"""
    course = new_toy_course(tmp_path)
    write_submission(tmp_path / "class", "alice", toy_notebook())
    assert _run("toy", "--course", str(course), "--submissions", str(tmp_path / "class")) == 0
    assert _totals(course / "grades.csv") == {"alice": 6.0}
    assert not (tmp_path / "_build").exists()


def test_collected_grades_the_course_submitted_folder(tmp_path, toy_engine):
    """With --collected, are the submissions already in <course>/submitted/ graded
    into the course, and the samples ignored?"""
    course = _course_with_samples(tmp_path)
    write_submission(course / "submitted" / "carol", "toy", toy_notebook(BOB_Q3))
    assert _run("toy", "--course", str(course), "--collected") == 0
    assert _totals(course / "grades.csv") == {"carol": 3.0}
    assert not (tmp_path / "_build").exists()


def test_prepare_copies_config_and_keeps_times(tmp_path):
    """Does the scratch course hold the course's config, manifest and source (same
    bytes and modification times, no samples, the public sample settings instead of
    the class's secret and variants), and is a scratch folder inside the class's
    course refused?"""
    course = _course_with_samples(tmp_path)
    scratch = sample_course.prepare(course, tmp_path / "scratch")
    src = course / "source" / "toy" / "toy.ipynb"
    copy = scratch / "source" / "toy" / "toy.ipynb"
    assert copy.read_bytes() == src.read_bytes()
    assert copy.stat().st_mtime == src.stat().st_mtime
    for name in ("nbgrader_config.py", "manifest.json"):
        assert (scratch / name).read_bytes() == (course / name).read_bytes()
    assert not (scratch / "samples").exists()
    assert (scratch / ".course-secret").read_text() == SAMPLES_SECRET + "\n"
    assert yaml.safe_load((scratch / "course.yaml").read_text())["variants"] is False
    assert sample_course.default_location(course) == tmp_path / "_build" / "sample-course"
    with pytest.raises(ValueError, match="scratch"):
        sample_course.prepare(course, course / "inner")
    with pytest.raises(ValueError, match="course_dir"):
        sample_course.prepare(tmp_path / "nowhere")


def test_makefile_grades_the_samples_through_the_scratch_course():
    """Does the Makefile's grade recipe call `hwlib grade` on the samples (no
    --submissions, no --collected), i.e. the scratch path tested above?"""
    text = (REPO / "Makefile").read_text()
    recipe = re.search(r"^grade:.*\n((?:\t.*\n)+)", text, re.M).group(1)
    calls = [line for line in recipe.splitlines() if "-m hwlib grade" in line]
    assert len(calls) == 1
    assert "--submissions" not in calls[0] and "--collected" not in calls[0]
    assert "--course" not in calls[0]
