"""Run a submission's answer cells in a bubblewrap sandbox and collect its answers.

The sandbox (Debian's ``bwrap``) sees: a read-only ``/usr``, the Python
installation, a read-only copy of the site-packages directory with every
``hwlib`` entry masked, the harness script, the job file (answer cells and case
arguments, never expected values) and a small private ``/tmp``. It has no
network, its own PID/IPC/UTS namespaces, an empty environment, and runs as an
unprivileged uid (one per worker slot when the grader runs as root) under
rlimits: CPU seconds, address space, processes, file size, open files.

The parent reads one JSON line per event from the harness (see
:mod:`hwlib.grading.harness`) with a watchdog: a cell or a call that stops
answering is killed with the whole sandbox, recorded as a time-out, and the
harness restarts with that step skipped, so a hang costs only its problem.
"""
from __future__ import annotations

import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

HARNESS = Path(__file__).with_name("harness.py")
SANDBOX_SITE = "/opt/site"
SANDBOX_HARNESS = "/opt/harness/harness.py"
SANDBOX_JOB = "/job/job.json"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox (defaults in parentheses).

    call_timeout: seconds one answer call (one case) may take (10).
    cell_timeout: seconds one answer cell may take to execute (30).
    wall_timeout: seconds for the whole submission, restarts included (300).
    cpu_seconds: RLIMIT_CPU of every sandboxed process (240).
    memory_bytes: RLIMIT_AS, the address space of every process (6 GiB: an
        ``import torch`` maps ~3 GiB of libraries).
    max_processes: RLIMIT_NPROC for the sandbox uid (64).
    max_file_bytes: RLIMIT_FSIZE, largest file it may write (16 MiB).
    max_open_files: RLIMIT_NOFILE (256).
    tmpfs_bytes: size of its private /tmp and /dev/shm (64 MiB each).
    max_output_bytes: bytes read from the result channel per run (32 MiB).
    max_value_chars: longest JSON text of one answer value (1,000,000).
    max_cell_chars: longest answer cell source kept (200,000).
    base_uid: first uid of the sandboxes when the grader runs as root
        (200000; a run uses base_uid + 64 * (writer pid mod 10000) + slot).
    """

    call_timeout: float = 10.0
    cell_timeout: float = 30.0
    wall_timeout: float = 300.0
    cpu_seconds: int = 240
    memory_bytes: int = 6 * 1024 * MiB
    max_processes: int = 64
    max_file_bytes: int = 16 * MiB
    max_open_files: int = 256
    tmpfs_bytes: int = 64 * MiB
    max_output_bytes: int = 32 * MiB
    max_value_chars: int = 1_000_000
    max_cell_chars: int = 200_000
    base_uid: int = 200000

    def with_overrides(self, **changes) -> "Limits":
        """A copy with some limits changed; unknown names raise ValueError."""
        unknown = sorted(set(changes) - set(self.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown sandbox limit(s): {', '.join(unknown)}")
        return replace(self, **changes)


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create a sandbox on this machine."""


@dataclass
class Outcome:
    """What one submission's sandbox produced.

    cell_errors: answer-cell grade_id -> "Type: message" or None.
    outputs: problem id -> list of {"ok": True, "value": ...} or
        {"ok": False, "error": "Type: message"}, one per case.
    incidents: plain-text notes on kills and restarts (for the log).
    """

    cell_errors: dict[str, str | None] = field(default_factory=dict)
    outputs: dict[str, list[dict]] = field(default_factory=dict)
    incidents: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------
# The sandbox's file system and command line
# ----------------------------------------------------------------------------

def _site_packages() -> Path:
    """The running environment's site-packages (numpy, sympy, torch live there)."""
    return Path(sysconfig.get_paths()["purelib"]).resolve()


def _masked_entries(site: Path) -> list[Path]:
    """Entries of site-packages that would lead to hwlib: its package, finders, .pth."""
    masked = []
    for entry in site.iterdir():
        name = entry.name.lower()
        if (name.startswith(("hwlib", "__editable__", "_hwlib"))
                or name.endswith((".pth", ".egg-link"))):
            masked.append(entry)
    return masked


def _python_dirs() -> tuple[Path, Path]:
    """Real path of the interpreter binary and of its installation prefix."""
    exe = Path(sys.executable).resolve()
    prefix = Path(sys.base_prefix).resolve()
    return exe, prefix


def _system_site_dirs(prefix: Path) -> list[Path]:
    """Site directories of the base interpreter, hidden inside the sandbox."""
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = [prefix / "lib" / ver / "site-packages",
             Path("/usr/lib/python3/dist-packages"),
             Path(f"/usr/local/lib/{ver}/dist-packages"),
             Path(f"/usr/local/lib/{ver}/site-packages")]
    return [p for p in found if p.is_dir()]


def _blocker_dir() -> Path:
    """A package directory whose import fails: mounted over masked hwlib dirs."""
    path = Path(tempfile.gettempdir()) / f"hwlib-sandbox-blocker-{os.getuid()}"
    init = path / "__init__.py"
    if not init.exists():
        path.mkdir(mode=0o755, exist_ok=True)
        init.write_text("raise ImportError('not available in the grading sandbox')\n")
        init.chmod(0o644)
    return path


def _root_links() -> list[str]:
    """Top-level /bin, /lib, /lib64, /sbin: symlinks into /usr or real dirs."""
    args = []
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _parent_dirs(path: str, made: set[str]) -> list[str]:
    """bwrap args creating the ancestors of ``path`` world-traversable (0755).

    bwrap makes missing mount-point parents 0700 when run as root, which
    would hide the bound files from the unprivileged sandbox uid.
    """
    args = []
    parts = Path(path).parts[1:-1]
    for i in range(len(parts)):
        parent = "/" + "/".join(parts[: i + 1])
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def bwrap_command(job_dir: Path, limits: Limits, uid: int | None) -> list[str]:
    """The bwrap argv that runs the harness on ``job_dir/job.json``.

    uid: the unprivileged uid to switch to inside (grader running as root),
    or None to keep the caller's uid (bwrap then uses a user namespace).
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            "bwrap (Debian package 'bubblewrap') is not installed; "
            "install it with: apt-get install -y bubblewrap")
    exe, prefix = _python_dirs()
    site = _site_packages()
    tmpfs = str(limits.tmpfs_bytes)
    cmd = [bwrap, "--die-with-parent", "--new-session",
           "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--hostname", "sandbox", "--clearenv"]
    if uid is None:
        cmd += ["--unshare-user"]
    cmd += ["--ro-bind", "/usr", "/usr", *_root_links(),
            "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", tmpfs, "--tmpfs", "/tmp",
            "--perms", "1777", "--size", tmpfs, "--tmpfs", "/dev/shm"]
    made: set[str] = set()
    if not str(prefix).startswith("/usr/"):
        cmd += _parent_dirs(str(prefix), made) + ["--ro-bind", str(prefix), str(prefix)]
    if not str(exe).startswith(("/usr/", str(prefix) + "/")):
        cmd += _parent_dirs(str(exe), made) + ["--ro-bind", str(exe), str(exe)]
    cmd += _parent_dirs(SANDBOX_SITE, made) + _parent_dirs(SANDBOX_HARNESS, made)
    for hidden in _system_site_dirs(prefix):
        cmd += ["--tmpfs", str(hidden)]
    cmd += ["--ro-bind", str(site), SANDBOX_SITE]
    blocker = _blocker_dir()
    for entry in _masked_entries(site):
        target = f"{SANDBOX_SITE}/{entry.name}"
        source = str(blocker) if entry.is_dir() else os.devnull
        cmd += ["--ro-bind", source, target]
    cmd += ["--ro-bind", str(HARNESS), SANDBOX_HARNESS,
            "--ro-bind", str(job_dir), "/job",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "TMPDIR", "/tmp",
            "--setenv", "MPLBACKEND", "Agg"]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        cmd += ["--setenv", var, "1"]
    cmd += ["--chdir", "/tmp"]
    if uid is not None:
        cmd += [shutil.which("setpriv") or "/usr/bin/setpriv",
                f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    cmd += [str(exe), "-I", "-S", "-B", SANDBOX_HARNESS, SANDBOX_JOB]
    return cmd


def _count_processes(uid: int) -> int:
    """Processes owned by ``uid`` now (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def _limit_setter(limits: Limits, nproc: int):
    """preexec_fn: apply the rlimits to bwrap and (by inheritance) the sandbox."""

    def apply():
        cpu = int(limits.cpu_seconds)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes,) * 2)
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_bytes,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.max_open_files,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def sandbox_uid(slot: int, limits: Limits) -> int | None:
    """The uid a worker slot's sandboxes run as (None: the caller's own uid)."""
    return limits.base_uid + slot if os.geteuid() == 0 else None


# ----------------------------------------------------------------------------
# Running the harness with a watchdog, restarting past a hung step
# ----------------------------------------------------------------------------

class _Run:
    """State of the steps across harness restarts."""

    def __init__(self, steps: list[dict]):
        self.steps = steps
        self.skip: set[int] = set()
        self.done: set[int] = set()
        self.cells: dict[int, str | None] = {}
        self.cases: dict[int, dict[int, dict]] = {}

    def record(self, event: dict, current: int | None) -> int | None:
        """Apply one event; return the step now in progress.

        Events count only in protocol order (a result for step k only between
        "begin" k and "end" k), and a case's last result wins: the harness
        writes it after the call returns, so a line the student forged earlier
        (even a forged "begin"/"end" of a later step) is overwritten when the
        harness reaches that step. Forged lines can only claim answer values.
        """
        kind, k = event.get("t"), event.get("step")
        if not isinstance(k, int) or not 0 <= k < len(self.steps):
            return current
        if kind == "begin":
            return k
        if k != current:
            return current
        if kind == "end":
            self.done.add(k)
            return None
        if kind == "cell" and self.steps[k]["kind"] == "cell":
            # first result: a cell re-executed after a restart keeps its first error
            error = event.get("error")
            self.cells.setdefault(k, None if error is None else str(error)[:300])
        elif kind == "case" and self.steps[k]["kind"] == "problem":
            self._record_case(k, event)
        return current

    def _record_case(self, k: int, event: dict) -> None:
        i = event.get("case")
        if not isinstance(i, int) or not 0 <= i < len(self.steps[k]["cases"]):
            return
        if event.get("ok") is True and "value" in event:
            result = {"ok": True, "value": event["value"]}
        else:
            result = {"ok": False, "error": str(event.get("error"))[:300]}
        self.cases.setdefault(k, {})[i] = result

    def fail(self, k: int, reason: str) -> None:
        """Mark a step that the sandbox died in or hung on, and skip it next time."""
        self.skip.add(k)
        self.done.add(k)
        if self.steps[k]["kind"] == "cell":
            self.cells.setdefault(k, reason)
        else:
            found = self.cases.setdefault(k, {})
            for i in range(len(self.steps[k]["cases"])):
                found.setdefault(i, {"ok": False, "error": reason})

    def pending(self) -> bool:
        return len(self.done) < len(self.steps)


def _step_deadline(step: dict, limits: Limits) -> float:
    """Seconds without news after which the parent kills a step."""
    base = limits.cell_timeout if step["kind"] == "cell" else limits.call_timeout
    return base + 2.0


def _kill(proc: subprocess.Popen) -> None:
    """Kill bwrap's whole process group (its PID namespace dies with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _one_run(cmd: list[str], run: _Run, limits: Limits, nproc: int,
             wall_end: float) -> tuple[str | None, int | None, bytes, bool]:
    """One harness process: read events until it exits, dies or hangs.

    The run ends when the result channel closes (the harness exited), not on a
    "done" line, which sandboxed code could forge. A channel that stays open
    after every step has ended (a lingering background process) is closed by
    the watchdog. Returns (failure reason or None, step in progress, first
    bytes of stderr, whether the harness reported any event).
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_limit_setter(limits, nproc))
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    buf, err, total = b"", b"", 0
    current: int | None = None
    last_news = time.monotonic()
    reason = None
    started = False
    channel_open = True   # until the result channel (stdout) reaches EOF
    try:
        while channel_open:
            step_limit = (_step_deadline(run.steps[current], limits) if current is not None
                          else limits.cell_timeout + 2.0)
            now = time.monotonic()
            wait = min(last_news + step_limit, wall_end) - now
            if wait <= 0:
                if not run.pending():  # all answered; something keeps the pipe open
                    break
                reason = ("TimeoutError: the submission exceeded its total time"
                          if now >= wall_end else "TimeoutError: time limit exceeded")
                break
            for key, _ in sel.select(timeout=wait):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    channel_open = channel_open and key.fileobj is not proc.stdout
                    continue
                if key.fileobj is proc.stderr:
                    err = (err + chunk)[:4096]
                    continue
                total += len(chunk)
                if total > limits.max_output_bytes:
                    reason = "RuntimeError: the sandbox produced too much output"
                    break
                buf += chunk
                lines = buf.split(b"\n")
                buf = lines.pop()
                if len(buf) > limits.max_value_chars + 4096:
                    reason = "ValueError: returned value is too large"
                    break
                for line in lines:
                    last_news = time.monotonic()
                    try:
                        event = json.loads(line)
                    except (ValueError, RecursionError):
                        continue
                    if isinstance(event, dict):
                        started = True
                        current = run.record(event, current)
            if reason:
                break
    finally:
        _kill(proc)
        sel.close()
    if reason is None and run.pending():
        code = proc.returncode
        if code is not None and code < 0:
            reason = f"RuntimeError: the sandboxed code was killed by signal {-code}"
        else:
            reason = f"RuntimeError: the sandboxed code exited (status {code})"
    return reason, current, err, started


def run_steps(steps: list[dict], limits: Limits, slot: int = 0,
              workdir: Path | None = None) -> tuple[_Run, list[str]]:
    """Run the harness over ``steps`` until every step has a result.

    steps: as in the harness job format. Returns the run state and incidents.
    """
    uid = sandbox_uid(slot, limits)
    nproc = limits.max_processes
    if uid is None:  # our own uid: its other processes count against the limit
        nproc += _count_processes(os.getuid())
    run = _Run(steps)
    incidents: list[str] = []
    wall_end = time.monotonic() + limits.wall_timeout
    tmp = Path(tempfile.mkdtemp(prefix="hwlib-job-", dir=workdir))
    try:
        tmp.chmod(0o755)
        job_file = tmp / "job.json"
        cmd = bwrap_command(tmp, limits, uid)
        while run.pending():
            # cells run again after a restart (they define the answers);
            # finished problems and the step that failed do not
            skip = run.skip | {k for k in run.done if steps[k]["kind"] == "problem"}
            job = {"site": [SANDBOX_SITE], "steps": steps, "skip": sorted(skip),
                   "max_value_chars": limits.max_value_chars}
            job_file.write_text(json.dumps(job))
            job_file.chmod(0o644)
            reason, current, err, started = _one_run(cmd, run, limits, nproc, wall_end)
            if reason is None or not run.pending():
                break
            if current is None:
                if not started:  # no student code ran: the sandbox itself is broken
                    raise SandboxUnavailable(
                        f"the sandbox did not start ({reason}): "
                        + err.decode(errors="replace").strip())
                current = min(k for k in range(len(steps)) if k not in run.done)
            incidents.append(f"step {current} ({steps[current]['kind']} "
                             f"{steps[current]['id']}): {reason}")
            run.fail(current, reason)
            if time.monotonic() >= wall_end:
                for k in range(len(steps)):
                    if k not in run.done:
                        run.fail(k, "TimeoutError: the submission exceeded its total time")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run, incidents


def execute(cells: list[dict], problems: list[dict], limits: Limits,
            slot: int = 0) -> Outcome:
    """Run answer cells, then every problem's cases, in one sandbox.

    cells: [{"id": grade_id, "source": str}] in notebook order.
    problems: [{"id": pid, "answer": name, "cell": grade_id,
                "cases": [args dict or None, ...]}].
    """
    steps = [{"kind": "cell", "id": c["id"], "source": c["source"][:limits.max_cell_chars],
              "timeout": limits.cell_timeout} for c in cells]
    steps += [{"kind": "problem", "id": p["id"], "answer": p["answer"],
               "cell": p.get("cell"), "cases": p["cases"],
               "timeout": limits.call_timeout} for p in problems]
    run, incidents = run_steps(steps, limits, slot)
    outcome = Outcome(incidents=incidents)
    for k, step in enumerate(steps):
        if step["kind"] == "cell":
            outcome.cell_errors[step["id"]] = run.cells.get(k)
        else:
            found = run.cases.get(k, {})
            outcome.outputs[step["id"]] = [
                found.get(i, {"ok": False, "error": "RuntimeError: no result"})
                for i in range(len(step["cases"]))]
    return outcome
