"""A grading-only install (the `grade` extra, no torch) grades hw1 end to end.

`python -m hwlib grade hw1` runs in a subprocess where torch and torchvision
cannot be imported (a sitecustomize on PYTHONPATH puts None in sys.modules,
as an absent package would behave; every process Python starts with that
environment gets it). Oracles: the hand-derived scores of
assignments/samples/expected.json for every problem but hw1.p4, and
nbgrader's own gradebook for hw1.p4, which must be left ungraded and flagged
for the instructor (not scored 0) with a message naming the `train` extra.
The real fresh-venv measurement of `pip install ".[grade]"` is in the README.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
EXPECTED = json.loads((ASSIGNMENTS / "samples" / "expected.json").read_text())["samples"]
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__")
NO_TORCH = """\
import sys
for _name in ("torch", "torchvision"):
    sys.modules[_name] = None   # `import torch` now raises ModuleNotFoundError(name='torch')
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """hw1's samples graded by the CLI with torch unimportable; (the scratch course they
    were graded in, completed run)."""
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is not installed: `make` installs it (sysdeps)")
    base = tmp_path_factory.mktemp("grade-only")
    course = base / "assignments"
    shutil.copytree(ASSIGNMENTS, course, ignore=shutil.ignore_patterns(*GENERATED))
    shim = base / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(NO_TORCH)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(shim), str(ROOT)]))
    env.pop("HWLIB_DATA", None)   # torch must be the reason given, whatever the data
    run = subprocess.run(
        [sys.executable, "-c", NO_TORCH + "import runpy; runpy.run_module('hwlib', run_name='__main__')",
         "grade", "hw1", "--course", str(course), "--jobs", "2", "--seed", "7", "--no-progress"],
        cwd=base, env=env, capture_output=True, text=True, timeout=600)
    # the samples are graded in the scratch course beside the class's (never in it)
    assert not (course / "gradebook.db").exists()
    return base / "_build" / "sample-course", run


def _grade_row(course: Path, student: str, grade_id: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        g = gb.find_grade(grade_id, "hw1", "hw1", student)
        return g.auto_score, g.manual_score, g.needs_manual_grade


def test_grade_command_succeeds_without_torch(graded):
    """Does `python -m hwlib grade hw1` exit 0 with torch unimportable, warning the instructor
    that hw1.p4 is left ungraded?"""
    course, run = graded
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "hw1.p4 left ungraded" in run.stderr


def test_every_other_problem_gets_its_hand_derived_score(graded):
    """Do all of hw1's problems but hw1.p4 get exactly the expected points, per sample?"""
    from hwlib.grading import engine

    course, run = graded
    assert run.returncode == 0, run.stderr[-3000:]
    report = engine.grade(course, "hw1", jobs=1)   # everything graded: reads the gradebook back
    assert report.regraded == []
    samples = {k.split("/")[1]: v for k, v in EXPECTED.items() if v["assignment"] == "hw1"}
    assert set(report.scores) == set(samples)
    for student, want in samples.items():
        for pid, points in want["scores"].items():
            if pid == "hw1.p4" and (ASSIGNMENTS / "samples" / "hw1" / student / "eurosat_model.pt").exists():
                continue
            assert report.scores[student][pid] == pytest.approx(points, abs=1e-4), (student, pid)


def test_trained_model_is_left_for_the_instructor_not_zeroed(graded):
    """Is the submitted model's problem recorded with no score and flagged for review in
    nbgrader's gradebook, its feedback naming the `train` extra, while a sample with no
    model file still gets its 0?"""
    course, run = graded
    assert run.returncode == 0, run.stderr[-3000:]
    manifest = json.loads((course / "manifest.json").read_text())["assignments"]["hw1"]
    cell = next(p["test_cell"] for p in manifest["problems"] if p["id"] == "hw1.p4")
    assert _grade_row(course, "reference", cell) == (None, None, True)
    marker = json.loads((course / ".grading" / "hw1" / "reference.json").read_text())
    text = "\n".join(marker["messages"]["hw1.p4"])
    assert "not graded yet" in text and "`train` extra" in text and "--force" in text
    # no model file submitted: the student's own zero, recorded as usual
    assert _grade_row(course, "untouched", cell) == (0.0, None, False)
