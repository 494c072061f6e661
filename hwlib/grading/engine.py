"""Grade every submission of an assignment: sandboxed, parallel, resumable.

:func:`grade` is the whole pipeline behind ``python -m hwlib grade``:

1. release: ``nbgrader generate_assignment`` when ``release/`` is missing or
   stale (:class:`~hwlib.grading.gradebook.Recorder`);
2. collect: copy each ``<submissions>/<student>/`` into
   ``submitted/<student>/<assignment>/`` (regular files only);
3. each student's cases (and parameters) are drawn from the course secret,
   the student id, the problem and the course's grading version
   (:mod:`hwlib.course`, :func:`hwlib.grading.scoring.draw_cases`): the same
   notebook always gets the same grade;
4. a pool of ``jobs`` worker processes runs each submission's answer cells in
   its own bubblewrap sandbox (:mod:`hwlib.grading.sandbox`) and scores the
   returned values with the checkers, outside the sandbox;
5. the parent, the only writer, records each result through nbgrader's
   Autograde machinery into the SQLite gradebook, writes its feedback HTML,
   then a done-marker; at the end ``grades.csv`` is exported.

Resumable and idempotent: a submission whose done-marker matches its files
is not graded again, so a rerun after a crash or kill finishes the rest and a
second full run changes nothing.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import notebook as nbio
from . import sandbox, scoring

log = logging.getLogger(__name__)

DEFAULT_CHECKERS = "hwlib.grading.checkers"
STATE_DIR = ".grading"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
MAX_COPY_BYTES = 512 * 1024 * 1024   # larger submitted files are not copied
WORKER_NICENESS = 5                  # workers (and their sandboxes) yield to the writer


@dataclass
class GradeReport:
    """Result of grading one assignment.

    scores[student][problem_id]: points (None: manual problem not graded yet).
    messages[student][problem_id]: feedback lines (checker output).
    total[student]: sum of the recorded points.
    max_points[problem_id]: points available.
    regraded: students graded in this run (the rest were already done).
    notes[student]: what was wrong with that submission's files, or what its
        answers cost the grader, in this run (also in its feedback).
    faults[student]: a GRADER failure on that submission (not the student's
        doing): nothing was recorded for it, a rerun tries again.
    """

    assignment: str
    problems: list[str]
    max_points: dict[str, float]
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    messages: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    total: dict[str, float] = field(default_factory=dict)
    regraded: list[str] = field(default_factory=list)
    seed: int | None = None
    notes: dict[str, list[str]] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)

    def table(self) -> str:
        """Per-student, per-problem points as a plain-text table."""
        head = ["student", *self.problems, "total"]
        rows = [head, ["(max)", *[f"{self.max_points[p]:g}" for p in self.problems],
                       f"{sum(self.max_points.values()):g}"]]
        for student in sorted(self.scores):
            cells = [student]
            for pid in self.problems:
                value = self.scores[student].get(pid)
                cells.append("manual" if value is None else f"{value:g}")
            rows.append([*cells, f"{self.total[student]:g}"])
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        return f"{self.assignment}\n" + "\n".join(lines) + self.summary()

    def summary(self) -> str:
        """Notes on single submissions (files ignored, budgets hit) and grader
        faults, one line each; empty when there are none."""
        out = []
        for student in sorted(self.notes):
            out += [f"  {student}: {note}" for note in self.notes[student]]
        if out:
            out.insert(0, "\nnotes on single submissions (also in their feedback):")
        if self.faults:
            out.append("\nGRADER FAULTS (not recorded; fix and rerun, they are not students' zeros):")
            out += [f"  {student}: {msg}" for student, msg in sorted(self.faults.items())]
        return "\n".join(out)


# ----------------------------------------------------------------------------
# Worker side (one process per job slot; trusted, runs the sandbox)
# ----------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(slots, checkers_name: str) -> None:
    """Pool initializer: take a slot (its sandbox uid) and import the checkers.

    Slots are unique per grading run too (offset by the writer's pid), so two
    runs on one machine never share a uid and its process limit.
    """
    _die_with_parent()
    # the single writer is the pipeline's bottleneck: let it win the CPU
    os.nice(WORKER_NICENESS)
    with slots.get_lock():
        _WORKER["slot"] = (os.getppid() % 10000) * 64 + slots.value
        slots.value += 1
    _WORKER["checkers"] = scoring.load_checkers(checkers_name)
    _WORKER["releases"] = {}
    _warm_up()


def _warm_up() -> None:
    """Import and exercise what scoring uses, once per worker: each submission
    is scored in a fresh fork of this process, which then finds it ready."""
    from . import formula

    try:
        import sympy

        x = sympy.Symbol("x")
        names = {"x": x}
        formula.equivalent(formula.parse("x**2 + 1", names, {"exp": sympy.exp}),
                           x ** 2 + 1)
    except Exception:  # a missing sympy only matters to formula questions
        log.debug("formula warm-up failed", exc_info=True)
    try:
        importlib.import_module("hwlib.registry")._load()
    except Exception:
        pass


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the writer dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _release(path: str):
    if path not in _WORKER["releases"]:
        _WORKER["releases"][path] = nbio.read_release(Path(path))
    return _WORKER["releases"][path]


def grade_submission(task: dict) -> dict:
    """Sandbox one submission and score it; returns plain data for the writer.

    task: {"student", "folder" (its submitted/ dir), "notebook", "release",
    "problems" (manifest entries), "cases" (problem id -> cases), "limits"}.
    A failure of the grader itself (not of the submission) comes back as
    {"student", "fault": message}; a machine without a working sandbox raises.
    """
    try:
        return grade_files(task, _WORKER["checkers"], _WORKER["slot"], _release(task["release"]))
    except sandbox.SandboxUnavailable:
        raise
    except Exception as exc:
        return grader_fault(task["student"], exc)


def grader_fault(student: str, exc: BaseException) -> dict:
    """The result of a submission the grader itself failed on (reported, never recorded)."""
    log.exception("grading %s failed", student)
    return {"student": student,
            "fault": f"the grader failed on this submission ({type(exc).__name__}: "
                     f"{str(exc)[:200]})"}


def grade_files(task: dict, checkers, slot: int, release) -> dict:
    """The one grading step shared by the local pool and the Dask workers
    (:mod:`hwlib.grading.cluster`): sandbox the submission in ``task["folder"]``
    against the parsed ``release``, score it with ``checkers``; returns plain
    data for the writer. Writes nothing outside the sandbox's scratch space.
    """
    from . import feedback_html

    limits = sandbox.Limits(**task["limits"])
    feedback_html.configure(limits)   # this worker also writes feedback pages
    folder = Path(task["folder"])
    sub = nbio.read_submission(folder / task["notebook"])
    _, timestamp_note = nbio.read_timestamp(folder)
    if timestamp_note:
        sub.notes.append(timestamp_note)
    problems = [scoring.Problem(**p) for p in task["problems"]]
    run = [p for p in problems if p.kind in ("function", "value")]
    outcome = sandbox.Outcome()
    started = time.monotonic()
    if run:
        outcome = sandbox.execute(
            nbio.sandbox_cells(release, sub),
            [{"id": p.id, "answer": p.answer, "cell": p.answer_cell,
              "cases": scoring.case_args(task["cases"][p.id])} for p in run],
            limits, slot=slot)
    sandboxed = time.monotonic() - started
    items = []
    for p in problems:
        if p.kind in ("function", "value"):
            items.append({"problem": p, "cases": task["cases"][p.id],
                          "outputs": outcome.outputs[p.id]})
        elif p.kind == "model_file":
            if "hwlib.train" not in sys.modules:  # import torch once per worker, not per fork
                try:
                    importlib.import_module("hwlib.train")
                except Exception:
                    pass
            items.append({"problem": p, "cases": task["cases"][p.id],
                          "path": str(folder / p.answer)})
    scored, over_budget = scoring.score_bounded(items, checkers, limits)
    points, messages = {}, {}
    for p in problems:
        if p.id in scored:
            points[p.id], lines = scored[p.id]
            messages[p.id] = [*sub.notes, *lines]
    answer_ids = set(nbio.answer_cell_ids(release))
    return {"student": task["student"], "points": points, "messages": messages,
            "answers": {k: v[:limits.max_cell_chars] for k, v in sub.answers.items()
                        if k in answer_ids},
            "notes": [*sub.notes, *over_budget], "incidents": outcome.incidents,
            "seconds": round(time.monotonic() - started, 3),
            "sandbox_seconds": round(sandboxed, 3)}


# ----------------------------------------------------------------------------
# Parent side
# ----------------------------------------------------------------------------

def _fingerprint(folder: Path, assignment: scoring.Assignment) -> str:
    """Hash of a submission's files and of the problems it is graded on."""
    digest = hashlib.sha256(json.dumps([p.__dict__ for p in assignment.problems],
                                       sort_keys=True).encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _copy_submission(src: Path, dest: Path) -> None:
    """Copy regular files of one student's folder (no symlinks, no huge files)."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_symlink() or not path.is_file() or any(
                part.startswith(".") for part in rel.parts):
            continue
        if path.stat().st_size > MAX_COPY_BYTES:
            log.warning("not copying %s: larger than %d bytes", path, MAX_COPY_BYTES)
            continue
        target = dest / rel
        if target.is_file() and target.read_bytes() == path.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o644)
            target.unlink()
        shutil.copyfile(path, target)


def collect_submissions(course_dir: Path, assignment: str, submissions_dir: Path | None,
                        submitted_name: str = "submitted") -> list[str]:
    """Copy ``<submissions_dir>/<student>/`` into submitted/; list all students.

    Default submissions_dir: ``<course>/samples/<assignment>`` when it exists.
    Students already under submitted/ are graded too.
    """
    if submissions_dir is None:
        default = course_dir / "samples" / assignment
        submissions_dir = default if default.is_dir() else None
    if submissions_dir is not None:
        submissions_dir = Path(submissions_dir)
        if not submissions_dir.is_dir():
            raise ValueError(f"submissions directory {submissions_dir} does not exist")
        for folder in sorted(submissions_dir.iterdir()):
            if not folder.is_dir() or folder.is_symlink():
                continue
            if not STUDENT_ID.match(folder.name):
                log.warning("skipping %s: not a valid student id", folder)
                continue
            _copy_submission(folder, course_dir / submitted_name / folder.name / assignment)
    root = course_dir / submitted_name
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir()
                  if (d / assignment).is_dir() and STUDENT_ID.match(d.name))


def _marker(course_dir: Path, assignment: str, student: str) -> Path:
    return course_dir / STATE_DIR / assignment / f"{student}.json"


def _write_marker(path: Path, data: dict) -> None:
    """Atomic write: a kill leaves either the old marker or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _read_marker(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _test_results(assignment: scoring.Assignment, result: dict) -> dict:
    """Test-cell grade_id -> (points, messages) for FillSandboxResults."""
    return {p.test_cell: (result["points"][p.id], result["messages"][p.id])
            for p in assignment.autograded if p.test_cell}


def _checkers_name(checkers) -> str:
    if checkers is None:
        return DEFAULT_CHECKERS
    return checkers if isinstance(checkers, str) else checkers.__name__


def write_feedback(course_dir: str, assignment: str, student: str) -> str:
    """Worker task: nbgrader generate_feedback for one recorded submission.

    Feedback only READS the gradebook, so workers make it in parallel while
    the writer records the next submissions.
    """
    from .gradebook import Recorder

    try:
        recorder = _WORKER.get("recorder")
        if recorder is None:
            recorder = _WORKER["recorder"] = Recorder(Path(course_dir))
        recorder.feedback(assignment, student)
    except Exception as exc:
        log.exception("feedback for %s failed", student)
        return {"feedback": student, "fault": f"its feedback could not be written "
                                              f"({type(exc).__name__}: {str(exc)[:200]})"}
    return {"feedback": student, "fault": None}


def _start_method() -> str:
    """How the pool starts its workers.

    fork: workers start in milliseconds and need no importable __main__; it is
    only safe while this process runs no other thread, and torch's OpenMP pool
    (native threads, invisible to `threading`) deadlocks a forked child that
    runs torch again (the trained-model problem), so a process that has
    imported torch starts its workers with spawn.
    """
    fork_safe = threading.active_count() == 1 and "torch" not in sys.modules
    return "fork" if fork_safe else "spawn"


def _run_pool(tasks: list[dict], jobs: int, checkers_name: str, on_result, on_feedback,
              progress: bool, feedback_args: tuple[str, str]) -> None:
    """Grade tasks in a process pool.

    Each worker sandboxes and scores one submission; this process records it
    (``on_result``: the only gradebook writer; False when it could not), hands
    its feedback back to the pool, and marks it done when the feedback exists
    (``on_feedback(student, fault or None)``).
    """
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the next pool may fork
    ctx = multiprocessing.get_context(_start_method())
    slots = ctx.Value("i", 0)  # next free slot; a Queue would start a feeder thread
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                  initargs=(slots, checkers_name))
    pending = {pool.submit(grade_submission, task) for task in tasks}  # forks now
    bar = tqdm(total=len(tasks), desc="grading", unit="sub", disable=not progress,
               file=sys.stderr)
    try:
        with pool:
            try:
                while pending:
                    finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                    for future in finished:
                        result = future.result()
                        if "feedback" in result:  # feedback written (or not)
                            on_feedback(result["feedback"], result["fault"])
                            bar.update(1)
                        elif on_result(result):
                            pending.add(pool.submit(write_feedback, *feedback_args,
                                                    result["student"]))
                        else:  # a grader fault: nothing recorded for it
                            bar.update(1)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    finally:
        bar.close()


def grade(course_dir, assignment: str, submissions_dir=None, jobs: int | None = None,
          seed: int | None = None, *, checkers=None, limits: sandbox.Limits | None = None,
          force: bool = False, progress: bool = False, cluster=None) -> GradeReport:
    """Grade every submission of ``assignment`` in ``course_dir``; see the module doc.

    checkers: module (or dotted name) with ``cases`` and ``score``
    (default hwlib.grading.checkers). force: regrade submissions already done.
    cluster: a Dask scheduler address or ``distributed.Client`` to grade on
    (:mod:`hwlib.grading.cluster`); None grades in the local process pool.
    """
    from .gradebook import Recorder

    course_dir = Path(course_dir).resolve()
    spec = scoring.load_manifest(course_dir).get(assignment)
    if spec is None:
        raise ValueError(f"assignment {assignment!r} is not in {course_dir}/manifest.json")
    limits = limits or sandbox.Limits()
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    recorder = Recorder(course_dir)
    try:
        return _grade(recorder, course_dir, spec, submissions_dir, jobs, seed, checkers,
                      limits, force, progress, _executor(cluster))
    finally:
        recorder.close()


def _executor(cluster):
    """What runs the tasks: the local pool, or a Dask cluster (same signature)."""
    if cluster is None:
        return _run_pool
    from .cluster import DaskExecutor

    return DaskExecutor(cluster)


def _grade(recorder, course_dir: Path, spec: scoring.Assignment, submissions_dir, jobs: int,
           seed, checkers, limits: sandbox.Limits, force: bool, progress: bool,
           run_tasks=_run_pool) -> GradeReport:
    """:func:`grade` once the course is opened (``recorder``: the single writer)."""
    assignment = spec.name
    if recorder.needs_release(assignment, spec.notebook):
        recorder.generate_release(assignment)
    students = collect_submissions(course_dir, assignment, submissions_dir,
                                   recorder.coursedir.submitted_directory)
    submitted = course_dir / recorder.coursedir.submitted_directory
    in_gradebook = recorder.graded_students(assignment)
    fingerprints = {s: _fingerprint(submitted / s / assignment, spec) for s in students}
    todo = [s for s in students if force or s not in in_gradebook
            or (_read_marker(_marker(course_dir, assignment, s)) or {}).get("fingerprint")
            != fingerprints[s]]
    course = course_settings(course_dir, seed)
    report = GradeReport(assignment=assignment, problems=[p.id for p in spec.problems],
                         max_points={p.id: p.points for p in spec.problems},
                         regraded=list(todo), seed=seed if todo else None)
    if todo:
        checkers_name = _checkers_name(checkers)
        loaded = scoring.load_checkers(checkers_name)
        release_path = recorder.release_path(assignment, spec.notebook)
        release = nbio.read_release(release_path)
        tasks = [{"student": s, "folder": str(submitted / s / assignment),
                  "notebook": spec.notebook, "release": str(release_path),
                  "problems": [p.__dict__ for p in spec.problems],
                  "cases": scoring.draw_cases(spec, loaded, course, s),
                  "limits": limits.__dict__} for s in todo]

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
            canonical = nbio.canonical_notebook(
                release, nbio.Submission(answers=result["answers"]), limits.max_cell_chars)
            try:
                recorder.record(assignment, student, spec.notebook, canonical,
                                _test_results(spec, result))
            except Exception as exc:  # one submission must not stop the run
                log.exception("recording %s failed", student)
                report.faults[student] = (f"it could not be recorded in the gradebook "
                                          f"({type(exc).__name__}: {str(exc)[:200]})")
                return False
            recorded[student] = result
            return True

        def on_feedback(student: str, fault: str | None) -> None:
            result = recorded.pop(student)
            if fault:
                report.faults[student] = fault
                return
            _write_marker(_marker(course_dir, assignment, student),
                          {"fingerprint": fingerprints[student],
                           "messages": result["messages"], "notes": result["notes"]})

        recorded: dict[str, dict] = {}
        run_tasks(tasks, min(jobs, len(tasks)), checkers_name, on_result, on_feedback,
                  progress, (str(course_dir), assignment))
    recorder.export(course_dir / "grades.csv")
    _fill_report(report, recorder, spec, students, course_dir)
    return report


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
    cells = {p.id: (p.test_cell if p.kind != "manual" else p.answer_cell)
             for p in spec.problems}
    for student in students:
        found = recorder.scores(spec.name, spec.notebook, student,
                                {pid: cell for pid, cell in cells.items() if cell})
        report.scores[student] = {p.id: found.get(p.id) for p in spec.problems}
        marker = _read_marker(_marker(course_dir, spec.name, student)) or {}
        report.messages[student] = marker.get("messages", {})
        report.total[student] = round(sum(v for v in report.scores[student].values()
                                          if v is not None), scoring.POINT_DIGITS)


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
