"""Helpers of the grading-engine tests: toy course, submissions, leak check.

The toy assignment (fixtures/toy, checkers in fixtures/toy_checkers.py) has
answers simple enough that every expected score is computed by hand in the
tests. (A module with its own name, not conftest, so that test modules can
import it whatever other conftest files exist.)
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"

if str(FIXTURES) not in sys.path:  # toy_checkers is imported by name by the engine
    sys.path.insert(0, str(FIXTURES))


def new_toy_course(root: Path) -> Path:
    """A fresh copy of the toy course with the real nbgrader_config.py."""
    course = root / "course"
    shutil.copytree(FIXTURES / "toy", course)
    shutil.copy(REPO / "assignments" / "nbgrader_config.py", course)
    return course


def unwrap_solutions(source: str, stub: bool = False, markdown: bool = False) -> str:
    """Solution regions unwrapped (the reference answer) or replaced by
    nbgrader's stubs (as in the release)."""
    out, inside = [], False
    for line in source.split("\n"):
        if "### BEGIN SOLUTION" in line:
            inside = True
            if stub:
                out.append("YOUR ANSWER HERE" if markdown else
                           line[: line.index("#")] + "# YOUR CODE HERE\n"
                           + line[: line.index("#")] + "raise NotImplementedError()")
        elif "### END SOLUTION" in line:
            inside = False
        elif not (inside and stub):
            out.append(line)
    return "\n".join(out)


def toy_notebook(answers: dict[str, str] | None = None, stub_rest: bool = False):
    """The toy source notebook as a student would hand it in.

    Solution regions are unwrapped (the reference answer); ``answers`` replaces
    whole answer cells by grade_id; ``stub_rest`` stubs every other answer.
    """
    nb = nbformat.read(FIXTURES / "toy" / "source" / "toy" / "toy.ipynb", as_version=4)
    answers = answers or {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        elif meta.get("solution"):
            cell.source = unwrap_solutions(cell.source, stub=stub_rest,
                                           markdown=cell.cell_type == "markdown")
    return nb


# what only a hidden test cell, or an error output, would put in a page
LEAK_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "import check", 'check("',
                "Traceback (most recent call last)", "output_error")


def feedback_leaks(html: str) -> list[str]:
    """What a feedback page shows that it must not: hidden-test source, an
    error output or traceback, or a script loaded from the network."""
    found = [m for m in LEAK_MARKERS if m in html]
    found += [m for m in ('src="http', "src='http", "src=http") if m in html]
    return found


def write_submission(folder: Path, student: str, nb, name: str = "toy.ipynb") -> Path:
    path = folder / student / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
