"""Grade every submission of an assignment: sandboxed, parallel, resumable, reproducible.

:func:`grade` is the whole pipeline behind ``python -m hwlib grade``:

1. release: ``nbgrader generate_assignment`` when ``release/`` is missing or
   stale (:class:`~hwlib.grading.gradebook.Recorder`);
2. collect: copy each ``<submissions>/<student>/`` into
   ``submitted/<student>/<assignment>/`` (regular files only,
   :mod:`hwlib.grading.submissions`);
3. each student's cases (and parameters) are drawn from the course secret,
   the student id, the problem and the course's grading version
   (:mod:`hwlib.course`, :func:`hwlib.grading.scoring.draw_cases`): the same
   notebook always gets the same grade;
4. a pool of ``jobs`` worker processes (:mod:`hwlib.grading.pool`, or a Dask
   cluster, :mod:`hwlib.grading.cluster`) runs each submission's answer cells
   in its own bubblewrap sandbox and scores the returned values with the
   checkers, outside the sandbox;
5. the parent, the only writer, records each result through nbgrader's
   Autograde machinery into the SQLite gradebook, with what it was computed
   from (:mod:`hwlib.grading.records`), writes its feedback HTML, then a
   done-marker; at the end ``grades.csv`` is exported.

Resumable and idempotent: a submission whose done-marker matches its files
is not graded again, so a rerun after a crash or kill finishes the rest and a
second full run changes nothing. ``students=`` regrades just those students;
``problems=`` regrades just those problems (their answers run in the sandbox
again, the other problems keep their recorded grades and records).
:func:`check_recorded` tells whether a recorded grade's cases can be derived
again from the course's settings; :func:`reapply_penalties` recomputes late
penalties after a due date moved, without any sandbox.
"""
from __future__ import annotations

import logging
import os
import threading  # noqa: F401  (tests patch engine.threading.active_count)
from pathlib import Path

from . import notebook as nbio
from . import records, sandbox, scoring
from .pool import (WORKER_NICENESS, _WORKER, _init_worker, _run_pool,  # noqa: F401
                   _start_method, grade_files, grade_submission, grader_fault, write_feedback)
from .report import GradeReport
from .submissions import (MAX_COPY_BYTES, STATE_DIR, STUDENT_ID, _copy_submission,  # noqa: F401
                          _fingerprint, _marker, _read_marker, _write_marker,
                          collect_submissions)

log = logging.getLogger(__name__)

DEFAULT_CHECKERS = "hwlib.grading.checkers"

__all__ = ["grade", "grade_all", "GradeReport", "collect_submissions", "recorded",
           "check_recorded", "reapply_penalties", "select_problems", "course_settings"]


def _checkers_name(checkers) -> str:
    if checkers is None:
        return DEFAULT_CHECKERS
    return checkers if isinstance(checkers, str) else checkers.__name__


def select_problems(spec: scoring.Assignment, names) -> list[str]:
    """Problem ids of ``names``: each the label students see (``2(c)``, ``2c``,
    ``hw2.2c``), the problem id (``hw2.q2c``) or its folder's slug.
    Raises ValueError naming the valid ones for anything else (or a manual problem)."""
    from ..problems.homeworks import compact_label

    keys: dict[str, str] = {}
    for p in spec.autograded:
        forms = {p.id, p.id.lower(), p.id.split(".", 1)[-1]}
        if p.label:
            forms |= {p.label, compact_label(p.label), f"{spec.name}.{compact_label(p.label)}"}
        if p.slug:
            forms.add(p.slug)
        for form in forms:   # a form two problems share names neither
            keys[form] = p.id if keys.get(form, p.id) == p.id else None
    chosen = []
    for name in names:
        pid = keys.get(str(name).strip()) or keys.get(str(name).strip().lower())
        if pid is None:
            valid = ", ".join(f"{p.shown} ({p.id}" + (f", {p.slug})" if p.slug else ")")
                              for p in spec.autograded)
            manual = [p.shown for p in spec.problems if p.kind == "manual"
                      and str(name) in (p.id, p.label, p.slug)]
            why = " is graded by hand, not by the grader" if manual else " is not a problem"
            raise ValueError(f"problems: {name!r}{why} of {spec.name}; autograded problems: "
                             f"{valid}")
        if pid not in chosen:
            chosen.append(pid)
    return chosen


def grade(course_dir, assignment: str, submissions_dir=None, jobs: int | None = None,
          seed: int | None = None, *, checkers=None, limits: sandbox.Limits | None = None,
          force: bool = False, progress: bool = False, cluster=None,
          students=None, problems=None) -> GradeReport:
    """Grade every submission of ``assignment`` in ``course_dir``; see the module doc.

    checkers: module (or dotted name) with ``cases`` and ``score``
    (default hwlib.grading.checkers). force: regrade submissions already done.
    cluster: a Dask scheduler address or ``distributed.Client`` to grade on
    (:mod:`hwlib.grading.cluster`); None grades in the local process pool.
    students: grade only these (forced). problems: regrade only these problems
    (labels, ids or slugs, :func:`select_problems`) of the chosen students (all
    by default); the others keep their recorded grades.
    seed: stands in for the course secret (tests, experiments).
    """
    from .gradebook import Recorder

    course_dir = Path(course_dir).resolve()
    spec = scoring.load_manifest(course_dir).get(assignment)
    if spec is None:
        raise ValueError(f"assignment {assignment!r} is not in {course_dir}/manifest.json")
    only = select_problems(spec, problems) if problems else None
    limits = limits or sandbox.Limits()
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    recorder = Recorder(course_dir)
    try:
        return _grade(recorder, course_dir, spec, submissions_dir, jobs, seed, checkers,
                      limits, force, progress, _executor(cluster),
                      students=students, only=only)
    finally:
        recorder.close()


def _executor(cluster):
    """What runs the tasks: the local pool, or a Dask cluster (same signature)."""
    if cluster is None:
        return _run_pool
    from .cluster import DaskExecutor

    return DaskExecutor(cluster)


def _chosen(students: list[str], wanted) -> list[str]:
    """The students named in ``wanted`` (ValueError listing the valid ones otherwise)."""
    unknown = sorted(set(wanted) - set(students))
    if unknown:
        raise ValueError(f"students: {', '.join(unknown)} submitted nothing for this "
                         f"assignment; students: {', '.join(students) or '(none)'}")
    return [s for s in students if s in set(wanted)]


def _grade(recorder, course_dir: Path, spec: scoring.Assignment, submissions_dir, jobs: int,
           seed, checkers, limits: sandbox.Limits, force: bool, progress: bool,
           run_tasks=_run_pool, students=None, only=None) -> GradeReport:
    """:func:`grade` once the course is opened (``recorder``: the single writer)."""
    from . import penalties

    assignment = spec.name
    if recorder.needs_release(assignment, spec.notebook):
        recorder.generate_release(assignment)
    everyone = collect_submissions(course_dir, assignment, submissions_dir,
                                   recorder.coursedir.submitted_directory)
    submitted = course_dir / recorder.coursedir.submitted_directory
    in_gradebook = recorder.graded_students(assignment)
    fingerprints = {s: _fingerprint(submitted / s / assignment, spec) for s in everyone}
    if students is not None:
        todo = _chosen(everyone, students)
    elif only is not None:
        todo = list(everyone)
    else:
        todo = [s for s in everyone if force or s not in in_gradebook
                or (_read_marker(_marker(course_dir, assignment, s)) or {}).get("fingerprint")
                != fingerprints[s]]
    course = course_settings(course_dir, seed)
    db = records.db_path(course_dir)
    due = penalties.duedate(recorder.db_url, assignment)
    report = GradeReport(assignment=assignment, problems=[p.id for p in spec.problems],
                         max_points={p.id: p.points for p in spec.problems},
                         labels={p.id: p.label for p in spec.problems if p.label},
                         regraded=list(todo), seed=seed if todo else None,
                         regraded_problems=list(only) if only is not None else None)
    if todo:
        checkers_name = _checkers_name(checkers)
        loaded = scoring.load_checkers(checkers_name)
        release_path = recorder.release_path(assignment, spec.notebook)
        release = nbio.read_release(release_path)
        cells = {p.id: p.test_cell for p in spec.autograded if p.test_cell}
        # only=...: a student already in the gradebook is regraded on those problems;
        # one that is not yet gets every problem graded
        part = {s: only if only is not None and s in in_gradebook else None for s in todo}
        tasks, derived = [], {}
        for s in todo:
            cases = scoring.draw_cases(spec, loaded, course, s, only=part[s])
            tasks.append({"student": s, "folder": str(submitted / s / assignment),
                          "notebook": spec.notebook, "release": str(release_path),
                          "problems": [p.__dict__ for p in spec.problems
                                       if part[s] is None or p.id in part[s]
                                       or p.kind == "manual"],
                          "cases": cases, "limits": limits.__dict__})
            derived[s] = {pid: records.derivation(course, s, pid, c) for pid, c in cases.items()}

        def on_result(result: dict) -> bool:
            student = result["student"]
            if result.get("fault"):
                report.faults[student] = result["fault"]
                return False
            log.info("%s: sandbox %.2f s, sandbox and scoring %.2f s", student,
                     result["sandbox_seconds"], result["seconds"])
            for incident in result["incidents"]:
                log.info("%s: %s", student, incident)
            if result["notes"]:
                report.notes[student] = list(result["notes"])
            if part[student] is not None:   # keep the other problems' recorded grades
                _keep_recorded(recorder, course_dir, spec, student, result, cells,
                               part[student])
            canonical = nbio.canonical_notebook(
                release, nbio.Submission(answers=result["answers"]), limits.max_cell_chars)
            try:
                recorder.record(assignment, student, spec.notebook, canonical,
                                _test_results(spec, result))
                stamp = records.now()
                records.write(db, assignment, student, {
                    pid: {**row, "submission_fingerprint": fingerprints[student],
                          "duedate": due, "graded_at": stamp,
                          "sandbox_seconds": result["sandbox_seconds"]}
                    for pid, row in derived[student].items()})
            except Exception as exc:  # one submission must not stop the run
                log.exception("recording %s failed", student)
                report.faults[student] = (f"it could not be recorded in the gradebook "
                                          f"({type(exc).__name__}: {str(exc)[:200]})")
                return False
            recorded_now[student] = result
            return True

        def on_feedback(student: str, fault: str | None) -> None:
            result = recorded_now.pop(student)
            if fault:
                report.faults[student] = fault
                return
            path = _marker(course_dir, assignment, student)
            # a partial regrade leaves the other problems graded on the files the marker
            # names: the next plain run regrades everything if those files changed since
            previous = (_read_marker(path) or {}).get("fingerprint")
            kept = part[student] is not None and previous
            _write_marker(path, {"fingerprint": previous if kept else fingerprints[student],
                                 "messages": result["messages"], "notes": result["notes"]})

        recorded_now: dict[str, dict] = {}
        run_tasks(tasks, min(jobs, len(tasks)), checkers_name, on_result, on_feedback,
                  progress, (str(course_dir), assignment))
    _follow_duedate(recorder, db, assignment, due)
    recorder.export(course_dir / "grades.csv")
    _fill_report(report, recorder, spec, everyone, course_dir)
    return report


def _keep_recorded(recorder, course_dir: Path, spec, student: str, result: dict,
                   cells: dict[str, str], chosen: list[str]) -> None:
    """Fill ``result`` with the recorded points and feedback of the problems not regraded."""
    for key in ("points", "messages"):   # a cached (cluster) result may hold more
        result[key] = {pid: v for pid, v in result[key].items() if pid in chosen}
    kept = [pid for pid in cells if pid not in result["points"]]
    found = recorder.scores(spec.name, spec.notebook, student, {p: cells[p] for p in kept})
    old = (_read_marker(_marker(course_dir, spec.name, student)) or {}).get("messages", {})
    for pid in kept:
        result["points"][pid] = found.get(pid)
        result["messages"][pid] = list(old.get(pid, ["(grade kept from an earlier run)"]))


def _test_results(assignment: scoring.Assignment, result: dict) -> dict:
    """Test-cell grade_id -> (points, messages) for FillSandboxResults."""
    return {p.test_cell: (result["points"][p.id], result["messages"][p.id])
            for p in assignment.autograded if p.test_cell}


def _follow_duedate(recorder, db: Path, assignment: str, due: str | None) -> None:
    """Re-apply the late penalties when the gradebook's due date is no longer the one
    the recorded grades were penalised with (never regrades)."""
    from . import penalties

    seen = {row.get("duedate") for rows in records.read(db, assignment).values()
            for row in rows.values()}
    if seen and seen != {due}:
        log.warning("%s: the due date is now %s (grades recorded with %s): re-applying "
                    "late penalties", assignment, due, ", ".join(map(str, sorted(seen, key=str))))
        penalties.reapply(recorder.config, recorder.db_url, assignment)
        records.set_duedate(db, assignment, due)


def course_settings(course_dir: Path, seed: int | None = None):
    """The course's recorded settings (:mod:`hwlib.course`); ``seed`` (tests, experiments)
    stands in for the course secret."""
    import dataclasses

    from .. import course

    found = course.settings(course_dir)
    if seed is None:
        return found
    return dataclasses.replace(found, secret=f"run-seed:{int(seed)}".encode(),
                               secret_source=f"--seed {int(seed)}")


def _fill_report(report: GradeReport, recorder, spec: scoring.Assignment,
                 students: list[str], course_dir: Path) -> None:
    """Scores read back from the gradebook, messages from the done-markers."""
    from . import penalties

    cells = {p.id: (p.test_cell if p.kind != "manual" else p.answer_cell)
             for p in spec.problems}
    late = penalties.penalties(recorder.db_url, spec.name)
    for student in students:
        found = recorder.scores(spec.name, spec.notebook, student,
                                {pid: cell for pid, cell in cells.items() if cell})
        report.scores[student] = {p.id: found.get(p.id) for p in spec.problems}
        marker = _read_marker(_marker(course_dir, spec.name, student)) or {}
        report.messages[student] = marker.get("messages", {})
        report.total[student] = round(sum(v for v in report.scores[student].values()
                                          if v is not None), scoring.POINT_DIGITS)
        if late.get(student):
            report.penalty[student] = late[student]


def grade_all(course_dir, submissions_root=None, **kwargs) -> list[GradeReport]:
    """:func:`grade` for every assignment of the manifest, in order.

    submissions_root: a folder with one ``<assignment>/<student>/`` tree per
    assignment (default: each assignment's bundled samples).
    """
    course_dir = Path(course_dir)
    reports = []
    for name in scoring.load_manifest(course_dir):
        subs = Path(submissions_root) / name if submissions_root else None
        reports.append(grade(course_dir, name, subs, **kwargs))
    return reports


def recorded(course_dir, assignment: str, student: str) -> dict[str, dict]:
    """What ``student``'s grades of ``assignment`` were computed with (problem id ->
    grading version, secret fingerprint, case seed digest, cases SHA-256, submission
    fingerprint, due date, time); see :mod:`hwlib.grading.records`."""
    return records.recorded(course_dir, assignment, student)


def check_recorded(course_dir, assignment: str, students=None, *, checkers=None,
                   seed: int | None = None) -> dict[str, list[dict]]:
    """Re-derive each student's cases from the course's settings and compare them with
    the recorded ones (:func:`hwlib.grading.records.check`); runs no sandbox.

    students: those to check (default: every student with a record).
    Returns student -> one result per recorded problem.
    """
    course_dir = Path(course_dir).resolve()
    spec = scoring.load_manifest(course_dir).get(assignment)
    if spec is None:
        raise ValueError(f"assignment {assignment!r} is not in {course_dir}/manifest.json")
    found = records.read(records.db_path(course_dir), assignment)
    if students is None:
        students = sorted(found)
    missing = sorted(set(students) - set(found))
    if missing:
        raise ValueError(f"students: nothing recorded for {', '.join(missing)} in "
                         f"{assignment}; recorded: {', '.join(sorted(found)) or '(none)'}")
    course = course_settings(course_dir, seed)
    loaded = scoring.load_checkers(_checkers_name(checkers))
    return {s: records.check(spec, loaded, course, s, found[s]) for s in students}


def reapply_penalties(course_dir, assignment: str) -> dict[str, tuple[float, float]]:
    """Recompute every submission's late penalty from its timestamp and the gradebook's
    current due date; update the gradebook, the records and ``grades.csv``. Runs no
    sandbox and changes no score. Returns student -> (old penalty, new penalty)."""
    from . import penalties
    from .gradebook import Recorder

    course_dir = Path(course_dir).resolve()
    if assignment not in scoring.load_manifest(course_dir):
        raise ValueError(f"assignment {assignment!r} is not in {course_dir}/manifest.json")
    recorder = Recorder(course_dir)
    try:
        changed = penalties.reapply(recorder.config, recorder.db_url, assignment)
        records.set_duedate(records.db_path(course_dir), assignment,
                            penalties.duedate(recorder.db_url, assignment))
        recorder.export(course_dir / "grades.csv")
    finally:
        recorder.close()
    return changed
