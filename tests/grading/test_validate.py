"""Does `nbgrader validate` (the command line; JupyterLab's Validate button runs the
same validator) tell a student that a notebook is not ready to submit?

It fails on a release whose written answers are filled in but whose code answers
are still the stubs (`raise NotImplementedError()`); on a submission with a wrong
function answer (the visible cell runs the function on a public example and
raises AssertionError with the right output); and on a submission whose written
(markdown) answer is still the stub: nbgrader records a checksum of each answer
cell at release, and an answer cell whose checksum has not changed scores 0 and
is listed as failed. The reference solution passes. nbgrader validate exits 0
either way, so the verdict is read from its report.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading_helpers import REPO
from test_release import released  # noqa: F401  (the module's fixture)

SAMPLES = REPO / "assignments" / "samples"
HOMEWORKS = sorted(json.loads((REPO / "assignments" / "manifest.json").read_text())["assignments"])
WRONG = sorted((p.parent.name, p.name) for p in SAMPLES.glob("hw*/*")
               if p.is_dir() and p.name not in ("reference", "untouched"))
PASSED = "Success! Your notebook passes all the tests."
FAILED = "VALIDATION FAILED"
STUB = "YOUR ANSWER HERE"


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


def _written_answers(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown"
            and c.metadata.get("nbgrader", {}).get("solution")]


@pytest.mark.parametrize("hw", HOMEWORKS)
def test_written_answers_filled_but_code_stubs_fail(released, hw, tmp_path):  # noqa: F811
    nb = nbformat.read(released / "release" / hw / f"{hw}.ipynb", as_version=4)
    filled = 0
    for cell in _written_answers(nb):
        assert cell.source.strip() == STUB
        cell.source = "An answer written by the student."
        filled += 1
    assert filled >= 1
    assert any("raise NotImplementedError" in c.source for c in nb.cells if c.cell_type == "code")
    path = tmp_path / f"{hw}.ipynb"
    nbformat.write(nb, path)
    report = validate(path, tmp_path)
    assert FAILED in report and PASSED not in report
    assert "NotImplementedError" in report


@pytest.mark.parametrize("hw, student", WRONG, ids=[f"{h}/{s}" for h, s in WRONG])
def test_a_wrong_function_answer_fails_its_visible_check(hw, student, tmp_path):
    report = validate(SAMPLES / hw / student / f"{hw}.ipynb", tmp_path)
    assert FAILED in report and PASSED not in report
    assert "AssertionError: public example " in report and ": expected " in report, report[-3000:]


@pytest.mark.parametrize("hw", HOMEWORKS)
def test_the_reference_solution_passes(hw, tmp_path):
    report = validate(SAMPLES / hw / "reference" / f"{hw}.ipynb", tmp_path)
    assert PASSED in report, report[-3000:]


@pytest.mark.parametrize("hw", HOMEWORKS)
def test_an_unanswered_written_answer_fails(released, hw, tmp_path):  # noqa: F811
    """The reference solution with its first written answer put back to the release's stub."""
    release = nbformat.read(released / "release" / hw / f"{hw}.ipynb", as_version=4)
    nb = nbformat.read(SAMPLES / hw / "reference" / f"{hw}.ipynb", as_version=4)
    stub = _written_answers(release)[0]
    cell = next(c for c in _written_answers(nb)
                if c.metadata["nbgrader"]["grade_id"] == stub.metadata["nbgrader"]["grade_id"])
    assert cell.source.strip() != STUB
    cell.source = stub.source
    path = tmp_path / f"{hw}.ipynb"
    nbformat.write(nb, path)
    report = validate(path, tmp_path)
    assert FAILED in report and PASSED not in report
    assert STUB in report


def test_the_site_download_fails_on_an_unanswered_written_answer(tmp_path):
    """The notebook the site offers (assignments/student), its code answers filled with the
    reference's and its written answers left as stubs: validate lists the stubs as failed."""
    hw = "hw2"
    nb = nbformat.read(REPO / "assignments" / "student" / f"{hw}.ipynb", as_version=4)
    reference = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(SAMPLES / hw / "reference" / f"{hw}.ipynb", as_version=4).cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = reference[cell.metadata["nbgrader"]["grade_id"]]
    stubs = _written_answers(nb)
    assert stubs and all(c.source.strip() == STUB for c in stubs)
    path = tmp_path / f"{hw}.ipynb"
    nbformat.write(nb, path)
    report = validate(path, tmp_path)
    assert FAILED in report and PASSED not in report
    assert report.count(STUB) >= len(stubs) and "NotImplementedError" not in report, report[-3000:]
