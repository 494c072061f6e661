"""The local process pool that sandboxes and scores submissions (worker side).

Conventions
-----------
* A worker is trusted: it runs the sandbox (:mod:`hwlib.grading.sandbox`) and
  scores the values it returns with the checkers, outside the sandbox. It
  writes nothing but feedback pages (which only READ the gradebook).
* Tasks and results are plain data (JSON-able dicts), so that the Dask
  executor (:mod:`hwlib.grading.cluster`) ships the same ones.
* The parent (:mod:`hwlib.grading.engine`) is the single gradebook writer; it
  hands :func:`run_pool` its ``on_result``/``on_feedback`` callbacks.
"""
from __future__ import annotations

import concurrent.futures as cf
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

from . import notebook as nbio
from . import sandbox, scoring

log = logging.getLogger(__name__)

WORKER_NICENESS = 5                  # workers (and their sandboxes) yield to the writer

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


run_pool = _run_pool
