"""Released notebooks: no hwlib, no solution, no hidden test (every file read).

The releases of all four homeworks are generated with nbgrader (through the
engine's Recorder) in a temporary copy of the course, then every file under
release/ is read as text.
"""
from __future__ import annotations

import json
import shutil

import pytest

from grading_helpers import REPO
from hwlib.grading.gradebook import Recorder

COURSE = REPO / "assignments"
ASSIGNMENTS = sorted(json.loads((COURSE / "manifest.json").read_text())["assignments"])


def solution_lines(source_nb) -> set[str]:
    """Non-trivial lines that occur only inside the source's solution regions
    (not quoted anywhere else in the notebook, e.g. in the instructions)."""
    inside_lines, outside_lines, inside = set(), [], False
    for cell in source_nb["cells"]:
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in text.split("\n"):
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                inside_lines.add(line.strip())
            elif not inside:
                outside_lines.append(line)
    outside = "\n".join(outside_lines)
    return {line for line in inside_lines if line not in outside}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """release/ of every assignment, generated in a temporary course copy."""
    course = tmp_path_factory.mktemp("release") / "course"
    course.mkdir()
    for name in ("manifest.json", "nbgrader_config.py"):
        shutil.copy(COURSE / name, course / name)
    shutil.copytree(COURSE / "source", course / "source")
    recorder = Recorder(course)
    for assignment in ASSIGNMENTS:
        recorder.generate_release(assignment)
    recorder.close()
    return course


def test_every_assignment_is_released(released):
    """Is there a released notebook for every assignment of the manifest?"""
    manifest = json.loads((released / "manifest.json").read_text())["assignments"]
    for name, entry in manifest.items():
        assert (released / "release" / name / entry["notebook"]).is_file()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_hwlib_solution_or_hidden_test(released, assignment):
    """Does no released file mention hwlib, a solution delimiter or a hidden
    test, and does no line of a solution survive in it?"""
    source = json.loads((released / "source" / assignment / f"{assignment}.ipynb").read_text())
    secret = solution_lines(source)
    files = [p for p in (released / "release" / assignment).rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(errors="replace")
        for marker in ("hwlib", "BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS",
                       "checkers", "import check", 'check("'):
            assert marker not in text, (path.name, marker)
        leaked = [line for line in secret if line in text]
        assert leaked == [], (path.name, leaked[:3])


def test_source_does_have_what_the_release_must_hide(released):
    """Control: do the source notebooks contain hidden tests and solutions
    (so the test above could fail)?"""
    for assignment in ASSIGNMENTS:
        text = (released / "source" / assignment / f"{assignment}.ipynb").read_text()
        assert "BEGIN HIDDEN TESTS" in text and "hwlib" in text and "BEGIN SOLUTION" in text
