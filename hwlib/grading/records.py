"""What each grade was computed with, kept beside it in the gradebook.

Conventions
-----------
* One row per graded (assignment, student, problem) in the table
  :data:`TABLE` of the course's SQLite ``gradebook.db`` (created if missing;
  nbgrader ignores tables it does not know). The parent, the single writer,
  writes a submission's rows right after nbgrader recorded its grades; a
  regrade replaces the rows of the problems it graded, and only those.
* A row holds the course's ``grading_version``, a fingerprint of the course
  secret (the first 16 hex digits of its SHA-256; never the secret), a digest
  of the problem's case seed (:func:`hwlib.grading.design.case_seed`; first 16
  hex of the SHA-256 of its decimal form), the SHA-256 of the cases (JSON,
  sorted keys), the submission's fingerprint, the due date nbgrader had, the
  time of grading (UTC, ISO 8601) and the seconds the sandbox took.
* :func:`check` re-derives a student's cases from the course's current
  settings and compares their hashes with the recorded ones: equal hashes mean
  the grade can be reproduced from the settings alone.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import sqlite3
from pathlib import Path

TABLE = "hwlib_grading_record"
FIELDS = ("grading_version", "secret_fingerprint", "case_seed_digest", "cases_sha256",
          "submission_fingerprint", "duedate", "graded_at", "sandbox_seconds")
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    assignment TEXT NOT NULL, student TEXT NOT NULL, problem TEXT NOT NULL,
    grading_version INTEGER NOT NULL, secret_fingerprint TEXT NOT NULL,
    case_seed_digest TEXT NOT NULL, cases_sha256 TEXT NOT NULL,
    submission_fingerprint TEXT NOT NULL, duedate TEXT, graded_at TEXT NOT NULL,
    sandbox_seconds REAL,
    PRIMARY KEY (assignment, student, problem))"""


def secret_fingerprint(secret: bytes) -> str:
    """First 16 hex digits of SHA-256 of the course secret (tells secrets apart, reveals nothing)."""
    return hashlib.sha256(secret).hexdigest()[:16]


def cases_sha256(cases) -> str:
    """SHA-256 of one problem's cases as JSON with sorted keys."""
    text = json.dumps(cases, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_digest(seed: int) -> str:
    return hashlib.sha256(str(int(seed)).encode()).hexdigest()[:16]


def derivation(course, student: str, problem_id: str, cases) -> dict:
    """The settings-side fields of one problem's row (what :func:`check` compares)."""
    from .design import case_seed

    seed = case_seed(course.secret, student, problem_id, course.grading_version)
    return {"grading_version": int(course.grading_version),
            "secret_fingerprint": secret_fingerprint(course.secret),
            "case_seed_digest": seed_digest(seed), "cases_sha256": cases_sha256(cases)}


def db_path(course_dir) -> Path:
    """The course's SQLite gradebook (ValueError for a gradebook that is not SQLite)."""
    from .gradebook import _sqlite_path, load_config

    url = load_config(Path(course_dir)).CourseDirectory.db_url
    path = _sqlite_path(url)
    if path is None:
        raise ValueError(f"db_url: grading records need an SQLite gradebook, got {url!r}")
    return Path(path)


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=60)
    con.execute(SCHEMA)
    return con


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def write(path: Path, assignment: str, student: str, rows: dict[str, dict]) -> None:
    """Insert or replace the rows (problem id -> fields) of one submission, in one commit."""
    con = _connect(path)
    try:
        with con:
            con.executemany(
                f"INSERT OR REPLACE INTO {TABLE} (assignment, student, problem, "
                f"{', '.join(FIELDS)}) VALUES ({', '.join('?' * (3 + len(FIELDS)))})",
                [(assignment, student, pid, *[row.get(f) for f in FIELDS])
                 for pid, row in sorted(rows.items())])
    finally:
        con.close()


def read(path: Path, assignment: str, student: str | None = None) -> dict:
    """{student: {problem: fields}} recorded for ``assignment`` (one student, or all)."""
    if not Path(path).is_file():
        return {}
    con = _connect(path)
    try:
        query = f"SELECT student, problem, {', '.join(FIELDS)} FROM {TABLE} WHERE assignment = ?"
        args = [assignment]
        if student is not None:
            query += " AND student = ?"
            args.append(student)
        found: dict = {}
        for row in con.execute(query, args):
            found.setdefault(row[0], {})[row[1]] = dict(zip(FIELDS, row[2:]))
        return found
    finally:
        con.close()


def set_duedate(path: Path, assignment: str, duedate: str | None) -> None:
    """Record that the penalties of ``assignment`` now follow ``duedate``."""
    con = _connect(path)
    try:
        with con:
            con.execute(f"UPDATE {TABLE} SET duedate = ? WHERE assignment = ?",
                        (duedate, assignment))
    finally:
        con.close()


def recorded(course_dir, assignment: str, student: str) -> dict[str, dict]:
    """What ``student``'s grades of ``assignment`` were computed with: problem id -> row
    (see the module docstring); empty when nothing is recorded."""
    return read(db_path(course_dir), assignment, student).get(student, {})


def check(spec, checkers, course, student: str, rows: dict[str, dict]) -> list[dict]:
    """Re-derive ``student``'s cases from ``course`` and compare them with ``rows``.

    Returns one dict per recorded autograded problem: ``problem``, ``label``,
    ``match`` (the cases' hashes agree), ``differs`` (which settings differ
    from the recorded ones: ``grading_version``, ``secret``) and
    ``with_recorded_version`` (when the version differs: whether the cases
    under the recorded version match, i.e. the grade is reproducible by
    setting ``grading_version`` back).
    """
    from .scoring import draw_cases

    out = []
    todo = [p for p in spec.autograded if p.id in rows]
    now_cases = draw_cases(spec, checkers, course, student, only=[p.id for p in todo])
    for problem in todo:
        row = rows[problem.id]
        current = derivation(course, student, problem.id, now_cases[problem.id])
        differs = []
        if current["grading_version"] != row["grading_version"]:
            differs.append("grading_version")
        if current["secret_fingerprint"] != row["secret_fingerprint"]:
            differs.append("secret")
        item = {"problem": problem.id, "label": problem.shown,
                "match": current["cases_sha256"] == row["cases_sha256"],
                "differs": differs, "recorded": row, "now": current,
                "with_recorded_version": None}
        if "grading_version" in differs:
            old = dataclasses.replace(course, grading_version=int(row["grading_version"]))
            cases = draw_cases(spec, checkers, old, student, only=[problem.id])[problem.id]
            item["with_recorded_version"] = cases_sha256(cases) == row["cases_sha256"]
        out.append(item)
    return out


def describe(student: str, results: list[dict]) -> list[str]:
    """Lines for the command line, one per problem."""
    lines = []
    for r in results:
        head = f"{student} {r['label']} ({r['problem']}): "
        if r["match"]:
            lines.append(head + "cases match the recorded ones (reproducible)")
            continue
        why = []
        if "grading_version" in r["differs"]:
            why.append(f"grading_version is {r['now']['grading_version']}, recorded "
                       f"{r['recorded']['grading_version']}"
                       + ("; with the recorded version the cases match"
                          if r["with_recorded_version"] else ""))
        if "secret" in r["differs"]:
            why.append(f"the course secret differs (fingerprint now "
                       f"{r['now']['secret_fingerprint']}, recorded "
                       f"{r['recorded']['secret_fingerprint']})")
        if not why:
            why.append("same settings, other cases: a case design changed without a "
                       "grading_version bump")
        lines.append(head + "MISMATCH: " + "; ".join(why))
    return lines
