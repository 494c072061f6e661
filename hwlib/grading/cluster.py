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
"""
from __future__ import annotations

import collections
import hashlib
import itertools
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from distributed import Client, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from . import engine, sandbox, scoring
from . import notebook as nbio

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 30
WORKER_WAIT_S = 60                    # how long to wait for a first worker
WINDOW_PER_THREAD = 2                 # tasks in flight per worker thread (at least MIN_WINDOW)
MIN_WINDOW = 4


# ----------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------

BWRAP_HELP = ("every grading worker needs Debian's bubblewrap ('bwrap', apt-get install -y "
              "bubblewrap) and must be able to create a sandbox: run the worker as root, or "
              "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / "
              "user.max_user_namespaces > 0; in a container, a pod or seccomp/AppArmor "
              "profile that permits unshare(CLONE_NEWUSER)); see docs/cluster.md")


def _where() -> str:
    try:
        return f"worker {get_worker().address}"
    except ValueError:  # not on a worker
        return f"host {os.uname().nodename}"


def check_sandbox(where: str | None = None) -> None:
    """Start one real sandbox here (the engine's own bubblewrap command).

    Raises :class:`~hwlib.grading.sandbox.SandboxUnavailable` with a message
    that names bubblewrap and user namespaces when it cannot run.
    """
    where = where or _where()
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise sandbox.SandboxUnavailable(
            f"{where}: bubblewrap is not installed (no 'bwrap' on PATH); {BWRAP_HELP}")
    limits = sandbox.Limits(cell_timeout=30.0, wall_timeout=60.0)
    try:
        outcome = sandbox.execute([{"id": "probe", "source": "probe = 6 * 7"}], [], limits,
                                  slot=_slot())
    except sandbox.SandboxUnavailable as exc:
        raise sandbox.SandboxUnavailable(
            f"{where}: bubblewrap cannot create a sandbox here ({_bare_bwrap(bwrap)}; "
            f"engine: {exc}); {BWRAP_HELP}") from None
    error = outcome.cell_errors.get("probe")
    if error is not None:
        raise sandbox.SandboxUnavailable(
            f"{where}: the sandbox started but could not run Python ({error}); {BWRAP_HELP}")


def _bare_bwrap(bwrap: str) -> str:
    """What ``bwrap --ro-bind / / true`` (in a user namespace unless root) says."""
    cmd = [bwrap, "--ro-bind", "/", "/", "true"]
    if os.geteuid() != 0:
        cmd[1:1] = ["--unshare-user"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"'{' '.join(cmd)}' failed: {exc}"
    if proc.returncode == 0:
        return f"'{' '.join(cmd)}' works"
    text = proc.stderr.decode(errors="replace").strip() or f"status {proc.returncode}"
    return f"'{' '.join(cmd)}' says: {text}"


class SandboxCheck(WorkerPlugin):
    """Worker plugin: on every worker (and every one that joins later), start
    one sandbox; registering it on the client raises the first failure."""

    name = "hwlib-grading-sandbox-check"
    idempotent = True

    def setup(self, worker):
        check_sandbox(f"worker {worker.address}")
        _STATE["checked"] = True


_STATE: dict = {"checked": False, "releases": {}, "lock": threading.Lock()}
_THREAD = threading.local()
_SLOTS = itertools.count()


def _slot() -> int:
    """This thread's sandbox slot: unique per process and thread on a machine
    (like the local pool's: pid-based, 64 slots per process)."""
    if not hasattr(_THREAD, "slot"):
        _THREAD.slot = (os.getpid() % 10000) * 64 + next(_SLOTS) % 64
    return _THREAD.slot


def _yield_cpu() -> None:
    """Lower this worker thread's priority once (as the local pool's workers):
    on a machine shared with the client, the single writer wins the CPU."""
    if not getattr(_THREAD, "niced", False):
        try:
            os.nice(engine.WORKER_NICENESS)  # Linux: per thread; sandboxes inherit it
        except OSError:
            pass
        _THREAD.niced = True


def _release(text: str, digest: str):
    with _STATE["lock"]:
        found = _STATE["releases"].get(digest)
    if found is None:
        import nbformat

        found = nbformat.reads(text, as_version=4)
        with _STATE["lock"]:
            _STATE["releases"] = {digest: found}  # one assignment at a time
    return found


def _scratch_root() -> str | None:
    try:
        return get_worker().local_directory
    except ValueError:
        return None


def _write_files(folder: Path, files: dict) -> None:
    """The task's files into the scratch folder (names checked: no paths)."""
    for name, data in files.items():
        if not name or "/" in name or name in (".", ".."):
            raise ValueError(f"bad file name in task: {name!r}")
        path = folder / name
        if isinstance(data, int):  # too large to ship: a sparse file of that size
            with path.open("wb") as fh:
                fh.truncate(data)
        else:
            path.write_bytes(data)


def grade_on_worker(task: dict) -> dict:
    """Dask task: grade one submission from the bytes in ``task``.

    Pure: writes only its scratch folder (removed before returning) and the
    sandbox's own scratch; the same task gives the same result anywhere.
    """
    if not _STATE["checked"]:  # a worker that joined without the plugin's setup
        check_sandbox()
        _STATE["checked"] = True
    _yield_cpu()
    checkers = scoring.load_checkers(task["checkers"])
    release = _release(task["release_text"], task["release_digest"])
    folder = Path(tempfile.mkdtemp(prefix="hwlib-sub-", dir=_scratch_root()))
    try:
        _write_files(folder, task["files"])
        local = {k: task[k] for k in ("student", "notebook", "problems", "cases", "limits")}
        local["folder"] = str(folder)
        try:
            result = engine.grade_files(local, checkers, _slot(), release)
        except sandbox.SandboxUnavailable:
            raise
        except Exception as exc:  # the grader's fault: reported by the client, not recorded
            result = engine.grader_fault(task["student"], exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["key"] = task["key"]
    result["worker"] = _where()
    return result


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
    content = _digest(run_digest, sorted(files.items()))
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
        run_digest = _digest(release_digest, checkers_name, first["problems"], first["cases"],
                             first["limits"])
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


# ----------------------------------------------------------------------------
# A cluster of separate local processes (tests, benchmarks, a quick try)
# ----------------------------------------------------------------------------

def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LocalProcessCluster:
    """``dask scheduler`` plus ``n`` ``dask worker`` processes on 127.0.0.1.

    Each worker is its own process (``--no-nanny``: the process IS the
    worker, so killing it kills the worker), with one thread and its own
    working and local directory under ``root``. ``env`` is the environment of
    every process (PYTHONPATH so that they import the same hwlib). Use as a
    context manager; :meth:`close` ends every process it started.
    """

    def __init__(self, root, n: int = 2, env: dict | None = None, nthreads: int = 1,
                 python: str = sys.executable):
        self.root = Path(root)
        self.env = dict(os.environ if env is None else env)
        self.python = python
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = None
        self.workers: list[subprocess.Popen] = []
        self.n, self.nthreads = n, nthreads

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        cwd = self.root / name
        cwd.mkdir(parents=True, exist_ok=True)
        out = (cwd / "log.txt").open("wb")
        try:
            return subprocess.Popen([self.python, "-m", *args], cwd=cwd, env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        finally:
            out.close()

    def add_worker(self, name: str | None = None, env: dict | None = None) -> subprocess.Popen:
        """Start one more worker process (``env``: its own environment)."""
        name = name or f"worker-{len(self.workers)}"
        saved, self.env = self.env, dict(env) if env is not None else self.env
        try:
            proc = self._spawn(
                ["distributed.cli.dask_worker", self.address, "--name", name, "--no-nanny",
                 "--nthreads", str(self.nthreads), "--no-dashboard", "--death-timeout", "60",
                 "--local-directory", str(self.root / name / "local")], name)
        finally:
            self.env = saved
        self.workers.append(proc)
        return proc

    def start(self, timeout: float = 120) -> "LocalProcessCluster":
        self.scheduler = self._spawn(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-dashboard"], "scheduler")
        for _ in range(self.n):
            self.add_worker()
        if self.n:
            self.wait_for_workers(self.n, timeout)
        return self

    def wait_for_workers(self, n: int, timeout: float = 120) -> None:
        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=timeout)

    def worker_addresses(self) -> dict[str, str]:
        """Worker name -> address, as the scheduler knows them."""
        with Client(self.address, timeout=30, set_as_default=False) as client:
            info = client.scheduler_info(n_workers=-1)["workers"]
        return {w["name"]: addr for addr, w in info.items()}

    def close(self) -> None:
        procs = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> "LocalProcessCluster":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
