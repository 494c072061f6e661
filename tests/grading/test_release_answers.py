"""Released notebooks state each task and never its answer; the site's download is the release.

The releases come from nbgrader (through the engine's Recorder, the fixture of
test_release.py) in a temporary copy of the course. Each released notebook's
cell text is searched for every graded answer of its problems, as
``hwlib.problems.solutions.graded_strings`` lists them (reference values for
the defaults, exactly and as printed, and formulas as text).
"""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from grading_helpers import REPO
from hwlib.problems import folders, homeworks
from hwlib.problems.solutions import graded_strings
from test_release import ASSIGNMENTS, released  # noqa: F401  (the module's fixture)


def cell_text(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells)


def found(text: str, strings: set[str]) -> set[str]:
    return {s for s in strings
            if re.search(r"(?<![\w.])" + re.escape(s) + r"(?![\w])", text)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_states_no_graded_answer(released, assignment):  # noqa: F811
    text = cell_text(released / "release" / assignment / f"{assignment}.ipynb")
    leaks = {}
    for entry in homeworks.load()[assignment].entries:
        folder = folders()[entry.slug]
        hit = found(text, graded_strings(folder))
        if hit:
            leaks[folder.id] = sorted(hit)[:3]
    assert leaks == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_marking_notes_stay_in_the_source(released, assignment):  # noqa: F811
    """Written problems' rubrics say what earns each point; the notes naming the expected
    results are in the model-answer cell, which the release replaces by a blank answer."""
    written = [e for e in homeworks.load()[assignment].entries
               if folders()[e.slug].kind == "manual"]
    source = cell_text(released / "source" / assignment / f"{assignment}.ipynb")
    release = cell_text(released / "release" / assignment / f"{assignment}.ipynb")
    assert source.count("*Marking notes") == len(written) > 0
    assert "Marking notes" not in release
    assert release.count("*Rubric:*") == len(written)


def test_the_answer_scan_can_fail(released):  # noqa: F811
    """Control: the same scan finds the answers in the source notebook's hidden parts
    once a reference answer is pasted into a released cell."""
    path = released / "release" / "hw2" / "hw2.ipynb"
    text = cell_text(path) + "\nprint('gamma*(g_i - mean(g))')\n"
    assert found(text, graded_strings(folders()["meanonly_bn_backward"]))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_site_download_is_the_release(released, assignment):  # noqa: F811
    """Is assignments/student/<hw>.ipynb (linked from the homework page) the
    released notebook, cell by cell, once its varying problems' exchange form (a
    pointer and a display cell, tests/test_site_variants.py) is undone?"""
    from hwlib import release

    ours = json.loads((REPO / "assignments" / "student" / f"{assignment}.ipynb").read_text())
    ours = nbformat.reads(json.dumps(release._plain(ours, homeworks.load()[assignment])),
                          as_version=4)
    theirs = nbformat.read(released / "release" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    assert [(c.cell_type, c.source) for c in ours.cells] == \
        [(c.cell_type, c.source) for c in theirs.cells]
    page = (REPO / "book" / "src" / f"{assignment}.md").read_text()
    assert f"</assignments/student/{assignment}.ipynb>" in page
    assert json.loads((REPO / "assignments" / "manifest.json").read_text())["assignments"][assignment]
