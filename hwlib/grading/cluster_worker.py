"""The worker side of cluster grading: the sandbox check every worker runs
(:func:`check_sandbox`, the :class:`SandboxCheck` plugin) and the Dask task
that grades one submission from the bytes it carries (:func:`grade_on_worker`).

How client and workers share the work: :mod:`hwlib.grading.cluster`.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from . import engine, sandbox, scoring

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
