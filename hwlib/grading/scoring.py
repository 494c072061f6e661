"""The trusted comparison: manifest, secret cases, scores from the checkers.

Runs outside the sandbox only. The sandbox receives the case ARGUMENTS and
returns values; expected values are computed here by the checkers module
(``cases``/``score``, see :mod:`hwlib.grading.checkers`) and never leave the
grading process.
"""
from __future__ import annotations

import importlib
import json
import logging
import math
import os
import resource
import selectors
import signal
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("function", "value", "model_file", "manual")


class NotGraded(Exception):
    """A checker's signal that the GRADER cannot score this problem here (a missing
    extra such as torch, or a missing data set): the problem is left ungraded for the
    instructor (points None, flagged for review), never scored 0 for the student."""
POINT_DIGITS = 4     # partial credit is rounded to this many decimals


@dataclass(frozen=True)
class Problem:
    """One manifest entry: what the student writes and how many points it earns."""

    id: str
    answer: str | None
    kind: str
    points: float
    answer_cell: str | None
    test_cell: str | None
    label: str | None = None     # as students see it (``2(c)``); None: the id
    slug: str | None = None      # the problem folder, when the problem has one

    @property
    def shown(self) -> str:
        """The label students see, else the id."""
        return self.label or self.id

    def grading_fields(self) -> dict:
        """What a grade depends on (not the label): the submission fingerprint's part."""
        return {k: v for k, v in self.__dict__.items() if k not in ("label", "slug")}


@dataclass(frozen=True)
class Assignment:
    """A homework in the manifest: its notebook file name and problems."""

    name: str
    notebook: str
    problems: tuple[Problem, ...]

    @property
    def autograded(self) -> tuple[Problem, ...]:
        """Problems the engine scores (everything but the manual ones)."""
        return tuple(p for p in self.problems if p.kind != "manual")


def load_manifest(course_dir: Path) -> dict[str, Assignment]:
    """Every assignment of ``course_dir/manifest.json``; a bad entry raises ValueError."""
    path = Path(course_dir) / "manifest.json"
    try:
        raw = json.loads(path.read_text())["assignments"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the manifest {path}: {exc}") from exc
    found = {}
    for name, entry in raw.items():
        problems = []
        for p in entry["problems"]:
            if p.get("kind") not in KINDS:
                raise ValueError(f"{path}: problem {p.get('id')} has kind {p.get('kind')!r}; "
                                 f"expected one of {', '.join(KINDS)}")
            problems.append(Problem(id=p["id"], answer=p["answer"], kind=p["kind"],
                                    points=float(p["points"]),
                                    answer_cell=p.get("answer_cell"),
                                    test_cell=p.get("test_cell"), label=p.get("label"),
                                    slug=p.get("slug")))
        ids = [p.id for p in problems]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{path}: duplicate problem ids in {name}")
        found[name] = Assignment(name=name, notebook=entry.get("notebook", f"{name}.ipynb"),
                                 problems=tuple(problems))
    return found


def load_checkers(name: str):
    """Import the checkers module by dotted name (default hwlib.grading.checkers)."""
    return importlib.import_module(name)


def draw_cases(assignment: Assignment, checkers, course, student: str,
               only=None) -> dict[str, list[dict]]:
    """Cases of every autograded problem (those in ``only``, when given) for one student.

    course: :class:`hwlib.course.CourseSettings`. Each problem draws from its
    own generator, seeded by :func:`~hwlib.grading.design.case_seed` of (course
    secret, student, problem id, grading version): the same student always gets
    the same cases, another student other ones, and adding a problem changes
    no other problem's cases. A problem of the course (a folder under
    ``hwlib/problems``) is checked against the student's own parameters
    (:func:`hwlib.course.params_for`).
    """
    from .design import case_seed

    cases = {}
    for problem in assignment.problems:
        if problem.kind == "manual" or (only is not None and problem.id not in only):
            continue
        rng = np.random.default_rng(
            case_seed(course.secret, student, problem.id, course.grading_version))
        params = student_params(course, student, problem.id)
        if params is None:
            drawn = checkers.cases(problem.id, rng)
        else:
            drawn = checkers.cases(problem.id, rng, params=params)
        cases[problem.id] = list(drawn)
    return cases


def student_params(course, student: str, problem_id: str) -> dict | None:
    """The student's parameters of a course problem; None for a problem hwlib does not know
    (a course's own checkers module)."""
    from .. import course as course_settings
    from ..problems import by_id

    try:
        by_id(problem_id)
    except KeyError:
        return None
    return course_settings.params_for(course, student, problem_id)


def case_args(cases: list[dict]) -> list[dict | None]:
    """Only the arguments of the cases: what the sandbox may see."""
    return [json.loads(json.dumps(c["args"])) if c["args"] is not None else None
            for c in cases]


def _points(problem: Problem, fraction) -> float:
    """Points from a checker's fraction, clamped to [0, points]."""
    fraction = float(fraction)
    if not math.isfinite(fraction):
        raise ValueError(f"checker returned a non-finite fraction {fraction}")
    fraction = min(max(fraction, 0.0), 1.0)
    return round(problem.points * fraction, POINT_DIGITS)


def score_problem(problem: Problem, cases: list[dict], outputs: list[dict],
                  checkers) -> tuple[float, list[str]]:
    """Points and feedback lines of one function/value problem.

    A checker that fails on some odd student value gives 0 points with a
    neutral message (and a log entry for the instructor), never a crash.
    """
    try:
        fraction, lines = checkers.score(problem.id, cases, outputs)
        return _points(problem, fraction), [str(line) for line in lines]
    except NotGraded as exc:  # the grader's gap, not the student's mistake
        log.warning("%s left ungraded: %s", problem.id, exc)
        return None, [str(exc)]
    except Exception:  # the checker is trusted, but the value it got is not
        log.exception("checker for %s failed", problem.id)
        return 0.0, ["the answer could not be checked (the grader failed on the "
                     "returned value); check its type and shape"]


def _size(n: int) -> str:
    return f"{n / 2 ** 20:.1f} MiB" if n >= 2 ** 20 else f"{n:,} bytes"


def model_file_problem(path: Path, max_bytes: int) -> str | None:
    """Why a submitted model file must not be loaded, or None.

    ``torch.save`` writes a zip archive; its central directory declares every
    entry's uncompressed size. A file whose entries together declare more than
    ``max_bytes`` (a "zip bomb": megabytes that inflate to gigabytes), a file
    larger than that itself, or an archive with an unreadable directory is
    refused before ``torch.load`` sees it. (The load also runs in the scoring
    child, whose address space is limited: a size that lies is caught there.)
    """
    limit = _size(max_bytes)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return f"the file is {_size(size)}, more than the limit of {limit}"
        if not zipfile.is_zipfile(path):
            return None  # torch's legacy format: not compressed, its size is the bound
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > 100_000:
                return f"the archive has {len(entries)} entries"
            declared = sum(max(0, e.file_size) for e in entries)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError) as exc:
        return f"the file is not a readable archive ({type(exc).__name__})"
    if declared > max_bytes:
        return f"it would decompress to {_size(declared)}, more than the limit of {limit}"
    return None


def score_model_file(problem: Problem, cases: list[dict], path: Path,
                     checkers, max_bytes: int | None = None) -> tuple[float, list[str]]:
    """Points for a model file saved next to the notebook, graded by the checkers
    (``torch.load(weights_only=True)``: loading runs no student code), after
    :func:`model_file_problem` found nothing wrong with its declared sizes."""
    path = Path(path)
    if path.is_file() and not path.is_symlink():
        if max_bytes is not None:
            problem_text = model_file_problem(path, max_bytes)
            if problem_text is not None:
                return 0.0, [f"{path.name}: not loaded: {problem_text}"]
        outputs = [{"ok": True, "value": str(path)}]
    else:
        outputs = [{"ok": False, "error": f"FileNotFoundError: no {path.name}"}]
    return score_problem(problem, cases, outputs, checkers)


# ----------------------------------------------------------------------------
# Scoring one submission within the instructor's budget
# ----------------------------------------------------------------------------

def _address_space() -> int:
    """Bytes of address space this process maps now."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _score_one(item: dict, checkers, limits) -> tuple[float, list[str]]:
    problem = item["problem"]
    if problem.kind == "model_file":
        return score_model_file(problem, item["cases"], Path(item["path"]), checkers,
                                limits.model_file_bytes)
    return score_problem(problem, item["cases"], item["outputs"], checkers)


def _scoring_child(items: list[dict], checkers, limits, write_fd: int, seconds: float) -> None:
    """In the forked child: limits first, then one JSON line per scored item."""
    from . import formula

    try:
        extra = int(limits.scoring_memory_bytes)
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + extra,) * 2)
        cpu = max(1, math.ceil(seconds)) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        formula.configure(limits)
        with os.fdopen(write_fd, "w", buffering=1) as out:
            for index, item in enumerate(items):
                points, lines = _score_one(item, checkers, limits)
                out.write(json.dumps({"i": index, "points": points, "lines": lines}) + "\n")
                out.flush()
    finally:
        os._exit(0)


def score_bounded(items: list[dict], checkers, limits) -> tuple[dict, list[str]]:
    """Score one submission's answers in a child process within the budget.

    items: {"problem": Problem, "cases": [...], and "outputs" (function/value)
    or "path" (model_file)}. The child has ``scoring_memory_bytes`` of address
    space beyond the worker's and all the items share ``scoring_timeout``
    seconds of wall time (and CPU). An item that the child dies on or runs out
    of time in scores 0 with a line naming the limit, except a model file,
    whose evaluation cost the course fixes: it is left ungraded for the
    instructor. The remaining items are scored in a fresh child within what is
    left of the budget.

    Returns ({problem id: (points, lines)}, incidents for the run summary).
    """
    results: dict[str, tuple[float, list[str]]] = {}
    incidents: list[str] = []
    prepare = getattr(checkers, "prepare_model_scoring", None)
    if prepare is not None and any(item["problem"].kind == "model_file" for item in items):
        prepare()   # the grader's data, read once per worker; the forks below inherit it
    deadline = time.monotonic() + float(limits.scoring_timeout)
    pending = list(items)
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            for item in pending:
                pid = item["problem"].id
                # possibly right, never checked: left for the instructor, not 0
                results[pid] = (None, [f"{pid}: not checked: checking this submission's "
                                       f"answers used up the grader's budget of "
                                       f"{limits.scoring_timeout:g} s; left for the "
                                       "instructor's review"])
                incidents.append(f"{pid}: not checked (scoring budget used up)")
            break
        read_fd, write_fd = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _scoring_child(pending, checkers, limits, write_fd, left)
        os.close(write_fd)
        done, reason = _read_scores(read_fd, child, pending, results, deadline)
        pending = pending[done:]
        if pending and reason:
            item = pending.pop(0)
            culprit = item["problem"].id
            if item["problem"].kind == "model_file":
                # The course fixes the network and bounds the file's size, so the
                # cost of evaluating it is the grader's, not the student's: a
                # slow or small grading machine leaves it pending, never 0.
                results[culprit] = (None, [f"{culprit}: not checked: evaluating the model "
                                           f"{reason} on this grading machine; left for the "
                                           "instructor (raise the scoring_timeout limit or "
                                           "grade on a faster machine, then --force)"])
                incidents.append(f"{culprit}: model evaluation {reason} (grader's limit)")
                continue
            results[culprit] = (0.0, [f"{culprit}: checking this answer {reason}; "
                                      "it scores 0 (simplify the answer)"])
            incidents.append(f"{culprit}: checking the answer {reason}")
    return results, incidents


def _read_scores(read_fd: int, child: int, items: list[dict], results: dict,
                 deadline: float) -> tuple[int, str | None]:
    """Collect the child's lines until it exits or the deadline; reap it.
    Returns (items scored, why the child stopped early or None)."""
    done, buf, timed_out = 0, b"", False
    sel = selectors.DefaultSelector()
    sel.register(read_fd, selectors.EVENT_READ)
    try:
        while True:
            wait = deadline - time.monotonic()
            if wait <= 0 or not sel.select(timeout=wait):
                timed_out = True
                break
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                event = json.loads(line)
                item = items[event["i"]]
                points = event["points"]   # None: NotGraded, left for the instructor
                results[item["problem"].id] = (None if points is None else float(points),
                                               [str(x) for x in event["lines"]])
                done = event["i"] + 1
    finally:
        sel.close()
        os.close(read_fd)
        if timed_out:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(child, 0)
    if done >= len(items):
        return done, None
    if timed_out:
        return done, "took longer than the grader allows"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return done, "used more CPU time than the grader allows"
    return done, "used more memory than the grader allows, or crashed the checker"
