"""Grading on a Dask distributed cluster (``python -m hwlib grade ... --cluster ADDRESS``).

The grading pipeline of :mod:`hwlib.grading.engine` is unchanged except for
who runs the middle step, "sandbox one submission and score it": instead of
the local process pool, the workers of an existing Dask cluster.

Client side (this process, :class:`DaskExecutor`): the single writer. It
reads each submission's files from ``submitted/`` and puts their BYTES in the
task (the notebook and, for a model-file problem, the model file), together
with the released notebook's text, the manifest entries, the secret cases and
the limits. Workers therefore need no shared file system and never see the
course directory. Each result comes back as plain data; the client records
it in the gradebook, writes its feedback (in a helper process on the client)
and its done-marker, exactly as in local grading.

Worker side (:func:`grade_on_worker`): writes the task's files into a private
scratch folder under the worker's local directory, calls the same
:func:`hwlib.grading.engine.grade_files` as the local pool, deletes the
scratch folder and returns the result. It writes nothing else, so running it
twice is harmless.

Exactly once: every task is keyed by (assignment, student, content hash)
(the hash covers the files, the release, the cases, the problems, the limits
and the checkers). When a worker dies, the scheduler reruns its tasks on
other workers; the client records a key at most once and counts (and
ignores) any duplicate result. Tasks are submitted in a bounded window, so
a class's model files are never all in memory at once.

Worker requirements: the ``grade`` install of this package (same version as
the client), Debian's ``bubblewrap``, and either root or unprivileged user
namespaces. :class:`SandboxCheck`, a worker plugin registered by the client,
starts one real sandbox on every worker and fails with a message naming
bubblewrap and user namespaces when it cannot (also checked again by the
first task on a worker that joins later). Grading a model file (hw1.p4)
imports torch on the worker and needs the data set there (``HWLIB_DATA``);
nothing else imports torch.

This module holds the client side (:class:`DaskExecutor`, the portable
tasks, the feedback helper processes); the worker side lives in
:mod:`~hwlib.grading.cluster_worker` and the local test cluster in
:mod:`~hwlib.grading.cluster_local`, both importable from here too.
"""
from __future__ import annotations

import collections
import hashlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

from distributed import Client, as_completed

from . import notebook as nbio
from .cluster_local import LocalProcessCluster, free_port  # noqa: F401
from .cluster_worker import (BWRAP_HELP, SandboxCheck, _write_files,  # noqa: F401
                             check_sandbox, grade_on_worker)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 30
WORKER_WAIT_S = 60                    # how long to wait for a first worker
WINDOW_PER_THREAD = 2                 # tasks in flight per worker thread (at least MIN_WINDOW)
MIN_WINDOW = 4


# ----------------------------------------------------------------------------
# Client side
# ----------------------------------------------------------------------------

def _digest(*parts) -> str:
    return hashlib.sha256(pickle.dumps(parts, protocol=4)).hexdigest()


def task_key(assignment: str, student: str, content_hash: str) -> str:
    """The Dask key of a submission's task: (assignment, student, content hash)."""
    return f"hwlib-grade-{assignment}-{student}-{content_hash[:24]}"


def _assignment_of(task: dict) -> str:
    return Path(task["release"]).parent.name


def shipped_files(task: dict) -> dict:
    """The files a worker needs, as bytes: the notebook and any model file.

    A notebook over the engine's size limit is shipped as its size only (the
    worker recreates a sparse file of that size, and the engine reports it
    exactly as in local grading, without reading it).
    """
    folder = Path(task["folder"])
    names = [task["notebook"]] + [p["answer"] for p in task["problems"]
                                  if p["kind"] == "model_file" and p["answer"]]
    files = {}
    for name in dict.fromkeys(names):
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        if name == task["notebook"] and size > nbio.MAX_NOTEBOOK_BYTES:
            files[name] = size
        else:
            files[name] = path.read_bytes()
    return files


def portable_task(task: dict, checkers_name: str, release_text: str, release_digest: str,
                  run_digest: str) -> dict:
    """A local task (paths into the course directory) as a self-contained one."""
    files = shipped_files(task)
    # the student's own cases are part of the key: another secret or grading
    # version never reuses a cached result
    content = _digest(run_digest, task["cases"], task["problems"], sorted(files.items()))
    return {"key": task_key(_assignment_of(task), task["student"], content),
            "student": task["student"], "notebook": task["notebook"], "files": files,
            "release_text": release_text, "release_digest": release_digest,
            "problems": task["problems"], "cases": task["cases"], "limits": task["limits"],
            "checkers": checkers_name}


_FEEDBACK_HELPER = """
import sys
from pathlib import Path
from hwlib.grading.engine import _WORKER, write_feedback
from hwlib.grading.gradebook import Recorder
course, assignment = sys.argv[1:3]
_WORKER["recorder"] = Recorder(Path(course))  # warm up while the workers grade
for line in sys.stdin:
    student = line.strip()
    try:
        fault = write_feedback(course, assignment, student)["fault"]
    except Exception as exc:
        fault = f"its feedback could not be written ({type(exc).__name__}: {exc})"
    if fault:
        print("fault", student, " ".join(str(fault).split()), flush=True)
    else:
        print("ok", student, flush=True)
"""


class FeedbackWriters:
    """Client-side helper processes writing feedback (nbgrader generate_feedback,
    which only reads the gradebook) while this process records the next results.

    Plain subprocesses fed student ids on stdin: the Dask client runs threads,
    so this process must not fork a pool, and a spawned pool would re-run
    ``python -m hwlib``'s main module.
    """

    def __init__(self, n: int, course_dir: str, assignment: str):
        import queue

        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.done: "queue.Queue[tuple[str, str, str]]" = queue.Queue()
        self.procs = [subprocess.Popen([sys.executable, "-c", _FEEDBACK_HELPER, course_dir,
                                        assignment], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, env=env)
                      for _ in range(max(1, n))]
        self.load = [0] * len(self.procs)
        self.outstanding = 0
        for k, proc in enumerate(self.procs):
            threading.Thread(target=self._read, args=(k, proc), daemon=True).start()

    def _read(self, k: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            status, student, *rest = line.rstrip("\n").split(" ", 2)
            self.done.put((status, student, " ".join(rest), k))
        self.done.put(("exit", "", f"status {proc.wait()}", k))

    def submit(self, student: str) -> None:
        k = min(range(len(self.procs)), key=self.load.__getitem__)
        self.procs[k].stdin.write(student + "\n")
        self.procs[k].stdin.flush()
        self.load[k] += 1
        self.outstanding += 1

    def finished(self, block: bool = False) -> list[tuple[str, str | None]]:
        """(student, fault or None) of each feedback finished (``block``: wait
        for all); a fault is a feedback page that could not be written."""
        import queue

        found = []
        while self.outstanding:
            try:
                status, student, detail, k = self.done.get(block=block, timeout=600)
            except queue.Empty:
                if block:
                    raise TimeoutError("a feedback helper stopped answering") from None
                break
            if status == "exit":
                raise RuntimeError(f"a feedback helper process ended ({detail})")
            if status not in ("ok", "fault"):
                raise RuntimeError(f"feedback for {student} failed: {detail}")
            self.load[k] -= 1
            self.outstanding -= 1
            found.append((student, detail if status == "fault" else None))
        return found

    def close(self) -> None:
        for proc in self.procs:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class DaskExecutor:
    """Runs the engine's tasks on a Dask cluster; same call as the local pool
    (``engine._run_pool``), so :func:`hwlib.grading.engine.grade` only swaps it in.

    cluster: a scheduler address (``tcp://host:8786``) or a ``distributed.Client``.
    feedback_jobs: client-side processes writing feedback (default: the
    engine's ``jobs``, at most 2).
    After a run, :attr:`stats` holds ``results`` (recorded), ``duplicates``
    (results for an already recorded key, ignored), ``workers`` (results per
    worker) and ``worker_of`` (task key -> the worker whose result was recorded).
    """

    def __init__(self, cluster, feedback_jobs: int | None = None):
        self.cluster = cluster
        self.feedback_jobs = feedback_jobs
        self.stats: dict = {}

    # -- connection ---------------------------------------------------------
    def _client(self) -> tuple[Client, bool]:
        if isinstance(self.cluster, Client):
            return self.cluster, False
        try:
            client = Client(self.cluster, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {self.cluster}: "
                                  f"{exc}") from exc
        return client, True

    @staticmethod
    def _prepare_workers(client: Client) -> None:
        """Wait for a first worker, then check every worker's sandbox."""
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise ConnectionError(f"the Dask cluster at {client.scheduler.address} has no "
                                  f"worker (waited {WORKER_WAIT_S} s)") from None
        client.register_plugin(SandboxCheck(), name=SandboxCheck.name)

    @staticmethod
    def _window(client: Client) -> int:
        threads = sum(client.nthreads().values())
        return max(MIN_WINDOW, WINDOW_PER_THREAD * threads)

    # -- the engine's call --------------------------------------------------
    def __call__(self, tasks: list[dict], jobs: int, checkers_name: str, on_result,
                 on_feedback, progress: bool, feedback_args: tuple[str, str]) -> None:
        from tqdm import tqdm

        self.stats = {"results": 0, "duplicates": 0, "workers": collections.Counter(),
                      "worker_of": {}}
        if not tasks:
            return
        release_text = Path(tasks[0]["release"]).read_text()
        release_digest = hashlib.sha256(release_text.encode()).hexdigest()
        first = tasks[0]
        run_digest = _digest(release_digest, checkers_name, first["limits"])
        started = time.monotonic()
        client, own = self._client()
        feedback = FeedbackWriters(self.feedback_jobs or min(max(1, jobs), 2), *feedback_args)
        bar = tqdm(total=len(tasks), desc="grading (dask)", unit="sub", disable=not progress,
                   file=sys.stderr)
        waiting = collections.deque(tasks)
        running: dict[str, object] = {}
        recorded: set[str] = set()
        done = as_completed(loop=client.loop)
        try:
            self._prepare_workers(client)
            window, checked = self._window(client), time.monotonic()
            log.info("%d tasks; workers ready after %.1f s (window %d)", len(tasks),
                     checked - started, window)

            def refill():
                while waiting and len(running) < window:
                    task = portable_task(waiting.popleft(), checkers_name, release_text,
                                         release_digest, run_digest)
                    future = client.submit(grade_on_worker, task, key=task["key"], pure=False)
                    running[task["key"]] = future
                    done.add(future)

            def drain_feedback(block: bool):
                for student, fault in feedback.finished(block):
                    on_feedback(student, fault)
                    bar.update(1)

            refill()
            for future in done:
                key = future.key
                result = future.result()  # a task error (e.g. no sandbox) stops the run
                running.pop(key, None)
                future.release()
                if key in recorded:
                    self.stats["duplicates"] += 1
                    log.warning("ignored a second result for %s", key)
                    continue
                recorded.add(key)
                self.stats["results"] += 1
                self.stats["workers"][result.get("worker", "?")] += 1
                self.stats["worker_of"][key] = result.get("worker", "?")
                if not self.stats["results"] - 1:
                    log.info("first result after %.1f s", time.monotonic() - started)
                on_result(result)   # the gradebook write, here only
                feedback.submit(result["student"])
                drain_feedback(block=False)
                if time.monotonic() - checked > 2:
                    window, checked = self._window(client), time.monotonic()
                refill()
            log.info("all results after %.1f s", time.monotonic() - started)
            drain_feedback(block=True)
            log.info("all feedback after %.1f s", time.monotonic() - started)
        except BaseException:
            for future in running.values():
                future.cancel()
            raise
        finally:
            bar.close()
            feedback.close()
            if own:
                client.close()

