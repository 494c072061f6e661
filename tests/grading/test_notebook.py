"""Reading untrusted submission files and rebuilding the graded notebook."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hwlib.grading import notebook as nbio


def answer_cell(grade_id: str, source: str, **meta):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True, "grade": False,
                                 "locked": False, "schema_version": 3, **meta}
    return cell


def locked_cell(grade_id: str, source: str, grade=False):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": False, "grade": grade,
                                 "locked": True, "schema_version": 3}
    if grade:
        cell.metadata["nbgrader"]["points"] = 1
    return cell


def release_notebook():
    """A tiny release: setup cell, answer, visible check, test cell."""
    return new_notebook(cells=[
        new_markdown_cell("intro"),
        locked_cell("setup", "import math"),
        answer_cell("a1", "def f(x):\n    raise NotImplementedError()"),
        locked_cell("a1-form", "assert callable(f)"),
        locked_cell("a1-test", "# hidden tests were here", grade=True),
        answer_cell("a2", "raise NotImplementedError()"),
    ])


def dumps(nb) -> bytes:
    return json.dumps(nb).encode()


def test_answers_are_found_by_grade_id():
    """Are answer sources taken from the cells with matching grade_ids?"""
    nb = release_notebook()
    nb.cells[2].source = "def f(x):\n    return x"
    sub = nbio.parse_submission(dumps(nb))
    assert sub.answers["a1"] == "def f(x):\n    return x"
    assert sub.notes == []


def test_first_duplicate_grade_id_wins():
    """With two cells claiming one grade_id, is the first one used?"""
    nb = release_notebook()
    nb.cells.insert(0, answer_cell("a1", "first = 1"))
    nb.cells.append(answer_cell("a1", "last = 1"))
    assert nbio.parse_submission(dumps(nb)).answers["a1"] == "first = 1"


def test_invalid_json_is_a_note():
    """Does a file that is not JSON give no answers and a note instead of an error?"""
    sub = nbio.parse_submission(b"{this is not json")
    assert sub.answers == {} and "not a valid notebook" in sub.notes[0]


def test_binary_file_is_a_note():
    """Does a binary (non-UTF-8) file with the notebook's name give a note?"""
    sub = nbio.parse_submission(bytes(range(256)) * 10)
    assert sub.answers == {} and sub.notes


def test_json_that_is_not_a_notebook():
    """Is a JSON list, or an object without cells, read as no answers?"""
    assert nbio.parse_submission(b"[1, 2, 3]").answers == {}
    assert nbio.parse_submission(b'{"metadata": {}}').answers == {}


def test_deeply_nested_json_is_a_note():
    """Does JSON nested beyond the parser's recursion limit give a note?"""
    sub = nbio.parse_submission(b"[" * 200_000 + b"]" * 200_000)
    assert sub.answers == {} and sub.notes


def test_oversize_file_is_not_read():
    """Is a file above the size cap rejected without parsing?"""
    sub = nbio.parse_submission(b" " * 1000, max_bytes=100)
    assert sub.answers == {} and "larger than" in sub.notes[0]


def test_nbformat3_worksheets_are_read():
    """Are answers found in an nbformat 3 notebook (worksheets, `input`)?"""
    nb = {"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["def f(x):\n", "    return 3"],
         "metadata": {"nbgrader": {"grade_id": "a1", "solution": True}}}]}]}
    assert nbio.parse_submission(json.dumps(nb).encode()).answers == {
        "a1": "def f(x):\n    return 3"}


def test_malformed_cells_are_skipped():
    """Are cells with non-string sources or odd metadata ignored, not fatal?"""
    nb = {"cells": [5, {"metadata": "x"}, {"metadata": {"nbgrader": []}},
                    {"metadata": {"nbgrader": {"grade_id": 3}}, "source": "x"},
                    {"metadata": {"nbgrader": {"grade_id": "a1"}}, "source": [1, 2]},
                    {"metadata": {"nbgrader": {"grade_id": "a2"}}, "source": "v = 1"}]}
    assert nbio.parse_submission(json.dumps(nb).encode()).answers == {"a2": "v = 1"}


def test_missing_file_is_a_note(tmp_path: Path):
    """Does a missing notebook give a note naming the file?"""
    sub = nbio.read_submission(tmp_path / "hw9.ipynb")
    assert sub.answers == {} and "hw9.ipynb" in sub.notes[0]


def test_sandbox_runs_setup_and_answers_in_release_order():
    """Does the sandbox get the setup cell, then the answers in release order
    (not the submission's order), and never the form or test cells?"""
    release = release_notebook()
    sub = nbio.Submission(answers={"a2": "v = 2", "a1": "def f(x):\n    return x"})
    cells = nbio.sandbox_cells(release, sub)
    assert [c["id"] for c in cells] == ["setup", "a1", "a2"]
    assert cells[0]["source"] == "import math"


def test_missing_answer_falls_back_to_release_stub():
    """Does a deleted answer cell run as the release's stub?"""
    cells = nbio.sandbox_cells(release_notebook(), nbio.Submission())
    assert cells[2]["source"] == "raise NotImplementedError()"


def test_canonical_notebook_keeps_release_cells():
    """Does the rebuilt notebook keep every locked cell, the metadata and the
    kernel of the release, changing only answer sources?"""
    release = release_notebook()
    release.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}
    sub = nbio.Submission(answers={"a1": "def f(x):\n    return 1",
                                   "a1-test": "print('forged')", "setup": "import os"})
    nb = nbio.canonical_notebook(release, sub)
    assert [c.source for c in nb.cells] == [
        "intro", "import math", "def f(x):\n    return 1", "assert callable(f)",
        "# hidden tests were here", "raise NotImplementedError()"]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    nbformat.validate(nb)


@pytest.mark.parametrize("data,want", [
    (None, (None, None)),
    (b"", (None, None)),
    (b"2026-01-15 10:00:00 UTC", ("2026-01-15 10:00:00", None)),
    (b"yesterday-ish", (None, "timestamp.txt holds 'yesterday-ish', which is not a date and "
                               "time; it was ignored (the submission time is unknown)")),
    (b"\xff\xfe", (None, "timestamp.txt is not readable text and was ignored")),
    (b"9" * 201, (None, "timestamp.txt is larger than 200 bytes and was ignored (the "
                        "submission time is unknown)")),
])
def test_timestamp_is_read_bounded_and_tolerant(tmp_path, data, want):
    """Is timestamp.txt parsed like nbgrader does when valid, and ignored with
    a note naming the problem (never an exception) when not?"""
    if data is not None:
        (tmp_path / "timestamp.txt").write_bytes(data)
    stamp, note = nbio.read_timestamp(tmp_path)
    assert (None if stamp is None else str(stamp), note) == want
