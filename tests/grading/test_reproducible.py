"""Does grading the same submissions again, with --force, give the same gradebook?

On the real hw2 and hw3 samples in a scratch copy of the course: once with the
public sample settings (variants off) and once with variants on and a fixed
course secret. The oracle is the first run: scores read back from nbgrader's
gradebook and the recorded case hashes must come back identical; with
variants on, two students must also have been asked different cases.
"""
import hashlib
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from hwlib.course import SAMPLES_SECRET, use_sample_settings
from hwlib.grading import engine

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__", ".course-secret")
SECRET = "a-fixed-secret-for-this-test"


def _copy(root: Path) -> Path:
    course = root / "assignments"
    shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(*GENERATED))
    return course


def _state(course: Path, assignment: str) -> dict:
    """Every score of the gradebook and every recorded case hash of ``assignment``."""
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    scores[(sub.student.id, g.name)] = (g.auto_score, g.manual_score,
                                                        g.needs_manual_grade)
    students = sorted({s for s, _ in scores})
    hashes = {(s, pid): (row["cases_sha256"], row["grading_version"], row["secret_fingerprint"])
              for s in students for pid, row in engine.recorded(course, assignment, s).items()}
    return {"scores": scores, "hashes": hashes}


def _twice(course: Path, assignment: str) -> tuple[dict, dict]:
    engine.grade(course, assignment, jobs=2)
    first = _state(course, assignment)
    again = engine.grade(course, assignment, jobs=2, force=True)
    assert sorted(again.regraded) == sorted({s for s, _ in first["scores"]})
    return first, _state(course, assignment)


@pytest.mark.parametrize("assignment", ["hw2", "hw3"])
def test_samples_regraded_with_force_are_identical(tmp_path, assignment):
    """Sample settings: same scores and same recorded case hashes after --force?"""
    course = _copy(tmp_path)
    use_sample_settings(course)
    first, second = _twice(course, assignment)
    assert first == second
    assert len(first["scores"]) > 0 and len(first["hashes"]) > 0
    fingerprint = hashlib.sha256(SAMPLES_SECRET.encode()).hexdigest()[:16]
    assert {h[2] for h in first["hashes"].values()} == {fingerprint}
    assert engine.check_recorded(course, assignment) and all(
        r["match"] for rs in engine.check_recorded(course, assignment).values() for r in rs)


def test_variants_regraded_with_force_are_identical(tmp_path):
    """Variants on, fixed secret: same gradebook after --force, and students asked
    different cases of a problem whose numbers vary?"""
    course = _copy(tmp_path)
    (course / "course.yaml").write_text("grading_version: 3\nvariants: true\n")
    (course / ".course-secret").write_text(SECRET + "\n")
    first, second = _twice(course, "hw2")
    assert first == second
    q2c = {s: h[0] for (s, pid), h in first["hashes"].items() if pid == "hw2.q2c"}
    assert len(q2c) == 4 and len(set(q2c.values())) == 4
    assert {h[1] for h in first["hashes"].values()} == {3}
    assert {h[2] for h in first["hashes"].values()} == {
        hashlib.sha256(SECRET.encode()).hexdigest()[:16]}
