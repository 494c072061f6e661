"""Do `python -m hwlib release` and grading leave each other's work alone?

The exchange release (hwlib.release) rewrites nbgrader's release/<hw>/ in place
(display cells, hwlib_numbers.json and .py). Grading regenerates the release only
when its source notebook changed since it was generated (by content: the SHA-256 the
Recorder records), not when the source's time stamp moves without a change, so a
grade after a release keeps the exchange files and the display cells. A real source
change does regenerate it, and says to run `release` again.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from hwlib import course as course_settings
from hwlib import release
from hwlib.grading import engine
from hwlib.grading.gradebook import Recorder
from hwlib.problems import folders, homeworks

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__", ".course-secret", "samples")
HW, STUDENT = "hw2", "zq-ada-7731"


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.delenv(course_settings.SECRET_ENV, raising=False)
    path = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", path, ignore=shutil.ignore_patterns(*GENERATED))
    (path / "course.yaml").write_text("grading_version: 1\nvariants: true\n")
    (path / ".course-secret").write_text("release-then-grade\n")
    return path


def _shown(folder: Path) -> list[str]:
    nb = json.loads((folder / f"{HW}.ipynb").read_text())
    return [c["metadata"]["hwlib"]["shows"] for c in nb["cells"]
            if c["metadata"].get("hwlib", {}).get("shows")]


def _varying() -> list[str]:
    return [folders()[e.slug].id for e in homeworks.load()[HW].entries
            if folders()[e.slug].meta.get("variants") is True]


def _touch(path: Path, ahead: float = 10.0) -> None:
    t = time.time() + ahead
    os.utime(path, (t, t))


def _needs_release(course: Path) -> bool:
    recorder = Recorder(course)
    try:
        return recorder.needs_release(HW, f"{HW}.ipynb")
    finally:
        recorder.close()


def test_grading_after_release_keeps_the_exchange_release(course, tmp_path):
    """Released, then the source's time stamp moved past the release's (same content),
    then a submission graded: are the exchange files and display cells still there?"""
    folder = release.exchange_release(course, HW, [STUDENT])
    assert _shown(folder) == _varying() != []
    data = (folder / release.DATA_FILE).read_text()
    _touch(course / "source" / HW / f"{HW}.ipynb")
    subs = tmp_path / "subs" / STUDENT
    subs.mkdir(parents=True)
    shutil.copy(folder / f"{HW}.ipynb", subs / f"{HW}.ipynb")
    report = engine.grade(course, HW, submissions_dir=tmp_path / "subs", jobs=1, force=True)
    assert STUDENT in report.scores
    assert (folder / release.DATA_FILE).read_text() == data
    assert (folder / release.HELPER_FILE).is_file()
    assert _shown(folder) == _varying()


def test_a_changed_source_regenerates_and_says_to_release_again(course, caplog):
    """Does a real change of the source make the release stale, and regenerating it over
    an exchange release warn to run `python -m hwlib release` again?"""
    folder = release.exchange_release(course, HW, [STUDENT])
    assert not _needs_release(course)
    source = course / "source" / HW / f"{HW}.ipynb"
    nb = json.loads(source.read_text())
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]) + "\n\nA new sentence."
    source.write_text(json.dumps(nb, indent=1))
    os.utime(source, (1, 1))                  # older than the release: content decides
    assert _needs_release(course)
    recorder = Recorder(course)
    try:
        with caplog.at_level(logging.WARNING, logger="hwlib.grading.gradebook"):
            recorder.generate_release(HW)
    finally:
        recorder.close()
    assert f"python -m hwlib release {HW}" in caplog.text
    assert not (folder / release.DATA_FILE).exists() and _shown(folder) == []
    assert not _needs_release(course)


def test_a_release_without_a_record_is_judged_by_time_stamps(course):
    """A release generated before the record existed (or by plain nbgrader): stale only
    when its source is newer, as before."""
    release.exchange_release(course, HW, [STUDENT])
    stamps = list((course / ".grading").glob(f"release-{HW}.json"))
    assert len(stamps) == 1
    stamps[0].unlink()
    assert not _needs_release(course)
    _touch(course / "source" / HW / f"{HW}.ipynb")
    assert _needs_release(course)
