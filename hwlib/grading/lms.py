"""Grades for a learning-management system: Canvas's and Moodle's gradebook CSV.

    python -m hwlib export canvas [--course assignments] [--to FILE] [--per-problem]
    python -m hwlib export moodle [...]

nbgrader's own ``nbgrader export`` writes one row per (student, assignment)
with totals only, a layout no LMS imports. These exporters read the same
gradebook and write one row per student and one column per homework (and,
with ``--per-problem``, one column per graded problem after them):

* **Canvas** (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID,
  Section`` and then one column per assignment, with a second row
  ``Points Possible``. The nbgrader student id goes into ``SIS User ID`` and
  ``SIS Login ID``, the student's ``lms_user_id`` (when nbgrader knows it) into
  ``ID``; Canvas matches a row on any of them.
* **Moodle** (Grades > Import > CSV file): ``First name, Last name, ID number,
  Email address`` and then one column per grade item, named like Moodle's own
  export (``hw2 (Real)``); at import, map ``ID number`` to the user field that
  holds the nbgrader id.

Scores are after late penalty (``score - late_submission_penalty``, never
below 0). A homework the student did not submit is left empty (the LMS keeps
whatever it has), and so is a problem whose manual grade is still pending; the
export's summary lists the students with pending manual grades, because their
homework totals will still change.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_ID_COLUMNS = ["First name", "Last name", "ID number", "Email address"]
FORMATS = ("canvas", "moodle")


@dataclass
class StudentGrades:
    """One student's row: homework totals and (optionally) problem scores."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    totals: dict[str, float | None] = field(default_factory=dict)      # assignment -> score
    problems: dict[str, float | None] = field(default_factory=dict)    # column -> score
    pending: list[str] = field(default_factory=list)                   # column names


@dataclass
class Gradesheet:
    """Everything an export writes: the column order, the maxima and the rows."""

    assignments: list[str]
    max_scores: dict[str, float]
    problem_columns: list[str]
    rows: list[StudentGrades]

    @property
    def pending(self) -> dict[str, list[str]]:
        return {r.id: r.pending for r in self.rows if r.pending}


def _problem_names(course: Path, assignment: str) -> dict[str, str]:
    """grade cell id -> the problem's name in the manifest (its label if it has one)."""
    manifest = course / "manifest.json"
    if not manifest.is_file():
        return {}
    spec = json.loads(manifest.read_text()).get("assignments", {}).get(assignment, {})
    names = {}
    for problem in spec.get("problems", []):
        name = problem.get("label") or problem["id"]
        for key in ("test_cell", "answer_cell"):
            if problem.get(key):
                names.setdefault(problem[key], name)
    return names


def collect(db_url: str, course: Path | None = None, assignments: list[str] | None = None,
            per_problem: bool = False) -> Gradesheet:
    """Read the gradebook at ``db_url`` into a :class:`Gradesheet`."""
    from nbgrader.api import Gradebook, MissingEntry

    from .gradebook import _speed_up_nbgrader

    _speed_up_nbgrader()  # nbgrader's schema check in-process (no `alembic` on PATH needed)
    with Gradebook(db_url) as gb:
        known = [a.name for a in gb.assignments]
        wanted = assignments or sorted(known)
        unknown = [a for a in wanted if a not in known]
        if unknown:
            raise ValueError(f"no assignment {', '.join(unknown)} in the gradebook "
                             f"(it has: {', '.join(sorted(known)) or 'none'})")
        max_scores = {a: float(gb.find_assignment(a).max_score) for a in wanted}
        problem_columns: list[str] = []
        cell_column: dict[tuple[str, str, str], str] = {}
        if per_problem:
            for a in wanted:
                names = _problem_names(Path(course), a) if course else {}
                for nb in gb.find_assignment(a).notebooks:
                    for cell in sorted(nb.grade_cells, key=lambda c: c.name):
                        column = f"{a} {names.get(cell.name, cell.name)}"
                        if column not in problem_columns:
                            problem_columns.append(column)
                            max_scores[column] = 0.0
                        max_scores[column] += float(cell.max_score)
                        cell_column[(a, nb.name, cell.name)] = column
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = StudentGrades(student.id, student.first_name or "", student.last_name or "",
                                student.email or "", str(student.lms_user_id or ""))
            for a in wanted:
                try:
                    sub = gb.find_submission(a, student.id)
                except MissingEntry:
                    row.totals[a] = None
                    continue
                penalty = float(sub.late_submission_penalty or 0.0)
                row.totals[a] = max(0.0, float(sub.score) - penalty)
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        waiting = grade.auto_score is None and grade.manual_score is None
                        column = cell_column.get((a, nb.name, grade.name))
                        if waiting:
                            row.pending.append(column or f"{a} {grade.name}")
                        if column is None:
                            continue
                        if waiting or row.problems.get(column, 0.0) is None:
                            row.problems[column] = None
                        else:
                            row.problems[column] = row.problems.get(column, 0.0) + float(grade.score)
            rows.append(row)
    return Gradesheet(wanted, max_scores, problem_columns, rows)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def to_canvas(sheet: Gradesheet) -> str:
    """Canvas gradebook-import CSV (header, ``Points Possible`` row, one row per student)."""
    columns = sheet.assignments + sheet.problem_columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANVAS_ID_COLUMNS + columns)
    writer.writerow(["Points Possible", "", "", "", ""] + [_number(sheet.max_scores[c]) for c in columns])
    for r in sheet.rows:
        name = f"{r.last_name}, {r.first_name}" if r.last_name or r.first_name else r.id
        values = {**r.totals, **r.problems}
        writer.writerow([name, r.lms_user_id, r.id, r.id, ""]
                        + [_number(values.get(c)) for c in columns])
    return out.getvalue()


def to_moodle(sheet: Gradesheet) -> str:
    """Moodle grade-import CSV (one row per student, grade items named ``X (Real)``)."""
    columns = sheet.assignments + sheet.problem_columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MOODLE_ID_COLUMNS + [f"{c} (Real)" for c in columns])
    for r in sheet.rows:
        values = {**r.totals, **r.problems}
        writer.writerow([r.first_name, r.last_name, r.id, r.email]
                        + [_number(values.get(c)) for c in columns])
    return out.getvalue()


WRITERS = {"canvas": to_canvas, "moodle": to_moodle}


# --------------------------------------------------------------------------- CLI
def register(subparsers) -> None:
    """Add ``export`` to the ``python -m hwlib`` sub-commands."""
    p = subparsers.add_parser(
        "export", help="write the gradebook as a Canvas or Moodle grade-import CSV",
        description="One row per student, one column per homework (after late penalty), "
                    "optionally one column per problem.")
    p.add_argument("format", choices=FORMATS)
    p.add_argument("--course", default="assignments",
                   help="nbgrader course directory (default: %(default)s)")
    p.add_argument("--to", default=None, metavar="FILE",
                   help="output file (default: <course>/grades-<format>.csv; '-' for stdout)")
    p.add_argument("--assignment", action="append", default=None, metavar="ID",
                   help="export only these homeworks (repeatable; default: all)")
    p.add_argument("--per-problem", action="store_true",
                   help="add one column per graded problem after the homework totals")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    course = Path(args.course)
    db = course / "gradebook.db"
    if not db.is_file():
        print(f"error: no gradebook at {db} (grade first: python -m hwlib grade ...)",
              file=sys.stderr)
        return 2
    try:
        sheet = collect(f"sqlite:///{db.resolve()}", course, args.assignment, args.per_problem)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = WRITERS[args.format](sheet)
    if args.to == "-":
        sys.stdout.write(text)
    else:
        target = Path(args.to) if args.to else course / f"grades-{args.format}.csv"
        target.write_text(text)
        print(f"{args.format}: {len(sheet.rows)} students x {len(sheet.assignments)} homeworks"
              f"{f' + {len(sheet.problem_columns)} problems' if sheet.problem_columns else ''}"
              f" -> {target}")
    for student, cells in sheet.pending.items():
        print(f"note: {student} has manual grades pending ({', '.join(cells)}); "
              "their totals will change", file=sys.stderr)
    return 0
