"""`nbgrader validate` (the command line, as a student runs it) on hw2.

A release whose written answers are filled in but whose code answers are still
the stubs fails; so does a submission with a wrong function answer (its
visible cell runs the function on a public example and states the right
output); the reference solution passes. nbgrader validate exits 0 either
way, so the verdict is read from its report.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from grading_helpers import REPO
from test_release import released  # noqa: F401  (the module's fixture)

SAMPLES = REPO / "assignments" / "samples" / "hw2"
PASSED = "Success! Your notebook passes all the tests."
FAILED = "VALIDATION FAILED"


def validate(notebook: Path, workdir: Path) -> str:
    """Run `nbgrader validate` on a copy of notebook in workdir (with the course's config)."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "assignments" / "nbgrader_config.py", workdir / "nbgrader_config.py")
    target = workdir / notebook.name
    if notebook != target:
        shutil.copy(notebook, target)
    exe = Path(sys.executable).with_name("nbgrader")
    proc = subprocess.run([str(exe), "validate", target.name], cwd=workdir, capture_output=True,
                          text=True, timeout=600)
    return proc.stdout + proc.stderr


def test_written_answers_filled_but_code_stubs_fail(released, tmp_path):  # noqa: F811
    nb = nbformat.read(released / "release" / "hw2" / "hw2.ipynb", as_version=4)
    filled = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip() == "YOUR ANSWER HERE":
            cell.source = "An answer written by the student."
            filled += 1
    assert filled >= 4
    assert any("raise NotImplementedError" in c.source for c in nb.cells if c.cell_type == "code")
    path = tmp_path / "hw2.ipynb"
    nbformat.write(nb, path)
    report = validate(path, tmp_path)
    assert FAILED in report and PASSED not in report
    assert "NotImplementedError" in report


def test_a_wrong_function_answer_fails_its_visible_check(tmp_path):
    report = validate(SAMPLES / "flipped_filter" / "hw2.ipynb", tmp_path)
    assert FAILED in report and PASSED not in report
    assert "public example filter_from_output(" in report


def test_the_reference_solution_passes(tmp_path):
    report = validate(SAMPLES / "reference" / "hw2.ipynb", tmp_path)
    assert PASSED in report, report[-3000:]

