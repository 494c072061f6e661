"""Reading untrusted submissions and rebuilding a notebook nbgrader can grade.

A submitted file is only ever parsed as JSON data here (never executed, never
handed to nbformat before it is rebuilt). From it we take the source of each
ANSWER cell, found by its nbgrader ``grade_id``; everything else (locked
cells, their order, metadata, kernel name, outputs, extra cells) comes from
the released notebook. So editing, deleting or reordering locked cells, or
changing metadata, changes nothing that is graded.

Malformed input (invalid JSON, a non-notebook file, nbformat 3 worksheets,
missing cells, oversize files) yields fewer answers and a note, never an
exception.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MiB = 1024 * 1024
MAX_NOTEBOOK_BYTES = 100 * MiB


@dataclass
class Submission:
    """Answer sources of one submitted notebook.

    answers: grade_id -> source text of that cell in the submission.
    notes: problems with the file itself, in plain words for the feedback.
    """

    answers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _cell_source(cell: dict) -> str | None:
    """A cell's text: ``source`` (nbformat 4) or ``input`` (nbformat 3 code)."""
    raw = cell.get("source", cell.get("input"))
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
        return "".join(raw)
    return None


def _cells(nb: dict) -> list:
    """The cell list of nbformat 4 (``cells``) or 3 (``worksheets[*].cells``)."""
    if isinstance(nb.get("cells"), list):
        return nb["cells"]
    found = []
    for sheet in nb.get("worksheets") or []:
        if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
            found.extend(sheet["cells"])
    return found


def parse_submission(data: bytes, max_bytes: int = MAX_NOTEBOOK_BYTES) -> Submission:
    """Answer cells by grade_id from the bytes of a submitted ``.ipynb``.

    The first cell carrying a grade_id wins (as nbgrader's DeduplicateIds).
    """
    sub = Submission()
    if len(data) > max_bytes:
        sub.notes.append(f"the notebook is larger than {max_bytes // MiB} MB and was not read")
        return sub
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        sub.notes.append("the submitted file is not a valid notebook (not JSON)")
        return sub
    if not isinstance(nb, dict):
        sub.notes.append("the submitted file is not a notebook (JSON, but not an object)")
        return sub
    for cell in _cells(nb):
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
            continue
        meta = cell["metadata"].get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        source = _cell_source(cell)
        if isinstance(grade_id, str) and source is not None and grade_id not in sub.answers:
            sub.answers[grade_id] = source
    if not sub.answers:
        sub.notes.append("no answer cell was found in the submitted notebook")
    return sub


def read_submission(path: Path, max_bytes: int = MAX_NOTEBOOK_BYTES) -> Submission:
    """:func:`parse_submission` of a file; a missing or unreadable file is a note."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Submission(notes=[f"the notebook is larger than {max_bytes // MiB} MB "
                                     "and was not read"])
        data = path.read_bytes()
    except FileNotFoundError:
        return Submission(notes=[f"no {path.name} was submitted"])
    except OSError as exc:
        return Submission(notes=[f"the submitted file could not be read ({exc.strerror})"])
    return parse_submission(data, max_bytes)


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def answer_cell_ids(release) -> list[str]:
    """grade_ids of the solution cells of a released notebook, in order."""
    return [_nbgrader(c)["grade_id"] for c in release.cells
            if _nbgrader(c).get("solution") and "grade_id" in _nbgrader(c)]


def sandbox_cells(release, sub: Submission) -> list[dict]:
    """Cells the sandbox executes, in release order: ``[{"id", "source"}]``.

    Code answer cells carry the student's source (the release stub when the
    cell is missing). Locked, ungraded code cells of the release that come
    before the first answer cell (imports, helpers the instructor provides)
    run first, with the release's own source; later locked cells (visible
    form checks) are not run: they would only call the answers once more.
    """
    cells, seen_answer = [], False
    for cell in release.cells:
        meta = _nbgrader(cell)
        if "grade_id" not in meta:
            continue
        grade_id = meta["grade_id"]
        if meta.get("solution"):
            seen_answer = True
            if cell.cell_type == "code":
                cells.append({"id": grade_id,
                              "source": sub.answers.get(grade_id, cell.source)})
        elif (cell.cell_type == "code" and meta.get("locked") and not meta.get("grade")
              and not seen_answer):
            cells.append({"id": grade_id, "source": cell.source})
    return cells


def canonical_notebook(release, sub: Submission, max_chars: int = 200_000):
    """The release with the student's answers in its solution cells.

    This is the notebook nbgrader sanitizes and records: every other cell,
    the metadata and the kernel are the release's.
    """
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") and meta.get("grade_id") in sub.answers:
            cell.source = sub.answers[meta["grade_id"]][:max_chars]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def read_release(path: Path):
    """The released notebook (trusted, written by nbgrader) as nbformat v4."""
    return nbformat.read(str(path), as_version=4)


MAX_TIMESTAMP_BYTES = 200


def read_timestamp(folder: Path):
    """``(datetime or None, note or None)`` from a submission's ``timestamp.txt``.

    nbgrader reads this file before grading and raises on a malformed one,
    which would stop the whole run; here it is read like nbgrader does
    (``nbgrader.utils.parse_utc``) but bounded and tolerant: a file that is
    too large, not text, or not a date is ignored with a note for the
    student's feedback and the run summary.
    """
    path = Path(folder) / "timestamp.txt"
    if not path.is_file() or path.is_symlink():
        return None, None
    try:
        if path.stat().st_size > MAX_TIMESTAMP_BYTES:
            return None, (f"timestamp.txt is larger than {MAX_TIMESTAMP_BYTES} bytes and "
                          "was ignored (the submission time is unknown)")
        text = path.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None, "timestamp.txt is not readable text and was ignored"
    if not text:
        return None, None
    try:
        from nbgrader.utils import parse_utc
        return parse_utc(text), None
    except Exception:  # ValueError, OverflowError, dateutil's own errors...
        shown = text if len(text) <= 40 else text[:37] + "..."
        return None, (f"timestamp.txt holds {shown!r}, which is not a date and time; it "
                      "was ignored (the submission time is unknown)")
