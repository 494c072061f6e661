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
    tmpfs_inodes: files and directories each of them may hold (4096): an
        empty file costs no bytes but a kernel inode, so size alone does not
        bound the memory a million empty files cost.
    cgroup: put each sandbox in its own cgroup where the grader may create one
        (True): ``memory_bytes`` and ``max_processes`` then bound the sandbox
        as a whole (all its processes together); see :func:`containment`.
    max_output_bytes: bytes read from the result channel per run (32 MiB).
    max_value_chars: longest JSON text of one answer value (1,000,000).
    max_cell_chars: longest answer cell source kept (200,000).
    base_uid: first uid of the sandboxes when the grader runs as root
        (200000; a run uses base_uid + 64 * (writer pid mod 10000) + slot).

    Bounds on the trusted side's work for one submission (outside the sandbox):

    scoring_timeout: wall seconds to score all of one submission's answers
        (120); scoring runs in a child of the worker, killed past it.
    scoring_memory_bytes: address space the scoring child may add to the
        worker's (2 GiB).
    formula_chars: longest formula text read (500).
    formula_nodes: most operations and symbols in one parsed formula (400).
    formula_degree: largest exponent, and largest total polynomial degree,
        of a formula (64).
    formula_digits: working precision of the numeric comparison (30).
    formula_seconds: seconds to parse and compare one formula (2).
    model_file_bytes: largest total uncompressed size a submitted model file
        (a torch zip) may declare before it is loaded (256 MiB).
    feedback_max_tags: most HTML tags one rendered markdown cell of a feedback
        page may hold before it is shown as plain text instead (5000: the
        sanitiser's cost grows with the square of the nesting depth).
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
    tmpfs_inodes: int = 4096
    cgroup: bool = True
    max_output_bytes: int = 32 * MiB
    max_value_chars: int = 1_000_000
    max_cell_chars: int = 200_000
    base_uid: int = 200000
    scoring_timeout: float = 120.0
    scoring_memory_bytes: int = 2 * 1024 * MiB
    formula_chars: int = 500
    formula_nodes: int = 400
    formula_degree: int = 64
    formula_digits: int = 30
    formula_seconds: float = 2.0
    model_file_bytes: int = 256 * MiB
    feedback_max_tags: int = 5000

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
    or None to keep the caller's uid (bwrap then uses a user namespace, in
    which the sandbox is uid 0 without any capability).

    The only writable mounts are ``/tmp`` and ``/dev/shm``: tmpfs mounted by
    the harness's ``--mount`` step (the one step that holds CAP_SYS_ADMIN, in
    the sandbox's own mount namespace) with a size AND an inode cap, which
    bwrap's ``--tmpfs`` cannot set; it then drops every capability
    (``setpriv``) before any submitted code runs. Everything else is
    read-only, bwrap's own root and ``/dev`` included (in a user namespace
    they would otherwise be writable, unsized tmpfs).
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            "bwrap (Debian package 'bubblewrap') is not installed; "
            "install it with: apt-get install -y bubblewrap")
    exe, prefix = _python_dirs()
    site = _site_packages()
    cmd = [bwrap, "--die-with-parent", "--new-session",
           "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--hostname", "sandbox", "--clearenv"]
    if uid is None:
        cmd += ["--unshare-user", "--uid", "0", "--gid", "0"]
    cmd += ["--ro-bind", "/usr", "/usr", *_root_links(),
            "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--dir", "/tmp", "--perms", "1777", "--dir", "/dev/shm"]
    made: set[str] = set()
    if not str(prefix).startswith("/usr/"):
        cmd += _parent_dirs(str(prefix), made) + ["--ro-bind", str(prefix), str(prefix)]
    if not str(exe).startswith(("/usr/", str(prefix) + "/")):
        cmd += _parent_dirs(str(exe), made) + ["--ro-bind", str(exe), str(exe)]
    cmd += _parent_dirs(SANDBOX_SITE, made) + _parent_dirs(SANDBOX_HARNESS, made)
    for hidden in _system_site_dirs(prefix):
        cmd += ["--tmpfs", str(hidden), "--remount-ro", str(hidden)]
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
    # every tmpfs bwrap made (its root, /dev, the masked site dirs) read-only
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/"]
    for cap in ("CAP_SYS_ADMIN", "CAP_SETPCAP", "CAP_SETUID", "CAP_SETGID"):
        cmd += ["--cap-add", cap]
    # step 1 (with CAP_SYS_ADMIN): mount the sized, inode-capped scratch tmpfs
    cmd += [str(exe), "-I", "-S", "-B", SANDBOX_HARNESS, "--mount",
            str(int(limits.tmpfs_bytes)), str(int(limits.tmpfs_inodes)), "--"]
    # step 2: drop every capability for good, then run the harness
    cmd += [shutil.which("setpriv") or "/usr/bin/setpriv"]
    if uid is not None:
        cmd += [f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
            str(exe), "-I", "-S", "-B", SANDBOX_HARNESS, SANDBOX_JOB]
    return cmd


# The environment bwrap itself runs with. bwrap stays in the sandbox as its
# PID 1 (as the caller's uid without a user-namespace switch), so its
# /proc/1/environ would show the grader's environment to the submission.
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


# ----------------------------------------------------------------------------
# A cgroup per sandbox: memory and processes of the submission as a whole
# ----------------------------------------------------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")
_CGROUP_MODE: list = []     # cached result of _probe_cgroups()


def _own_cgroup(controller: str | None) -> str | None:
    """This process's cgroup path for a v1 controller (None: the v2 path)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller is None and names == "":
            return path
        if controller is not None and controller in names.split(","):
            return path
    return None


def _cgroup_parents() -> tuple[str, dict[str, Path]] | None:
    """("v2", {"unified": dir}) or ("v1", {"memory": dir, "pids": dir}): where
    this process may create child cgroups with memory and pids controllers."""
    v2 = CGROUP_ROOT / "cgroup.controllers"
    if v2.is_file():
        own = _own_cgroup(None)
        if own is not None:
            parent = CGROUP_ROOT / own.lstrip("/")
            try:
                enabled = (parent / "cgroup.subtree_control").read_text().split()
            except OSError:
                enabled = []
            if {"memory", "pids"} <= set(enabled) and os.access(parent, os.W_OK):
                return "v2", {"unified": parent}
        return None
    found = {}
    for controller in ("memory", "pids"):
        own = _own_cgroup(controller)
        base = CGROUP_ROOT / controller
        if own is None or not base.is_dir():
            return None
        parent = base / own.lstrip("/")
        if not os.access(parent, os.W_OK):
            return None
        found[controller] = parent
    return "v1", found


class Cgroup:
    """One sandbox's cgroup(s): memory.max / memory.limit_in_bytes and pids.max.

    Created by the trusted worker; bwrap joins it before it execs (so every
    sandboxed process is inside), removed after the sandbox is dead.
    """

    _counter = 0

    def __init__(self, mode: str, parents: dict[str, Path], limits: Limits):
        Cgroup._counter += 1
        name = f"hwlib-sandbox-{os.getpid()}-{Cgroup._counter}"
        self.mode = mode
        self.dirs: list[Path] = []
        try:
            for parent in parents.values():
                path = parent / name
                path.mkdir()
                self.dirs.append(path)
            memory, pids = str(int(limits.memory_bytes)), str(int(limits.max_processes))
            if mode == "v2":
                (self.dirs[0] / "memory.max").write_text(memory)
                (self.dirs[0] / "pids.max").write_text(pids)
                swap = self.dirs[0] / "memory.swap.max"
                if swap.exists():
                    swap.write_text("0")
            else:
                mem, pid = self.dirs
                (mem / "memory.limit_in_bytes").write_text(memory)
                memsw = mem / "memory.memsw.limit_in_bytes"
                if memsw.exists():
                    try:
                        memsw.write_text(memory)
                    except OSError:
                        pass
                (pid / "pids.max").write_text(pids)
        except OSError:
            self.remove()
            raise

    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def oom_kills(self) -> int:
        """How many processes the kernel killed for exceeding memory (0 if unknown)."""
        try:
            if self.mode == "v2":
                text = (self.dirs[0] / "memory.events").read_text()
                key = "oom_kill"
            else:
                text = (self.dirs[0] / "memory.oom_control").read_text()
                key = "oom_kill"
                if key not in text:
                    return int((self.dirs[0] / "memory.failcnt").read_text().strip() != "0")
            for line in text.splitlines():
                name, _, value = line.partition(" ")
                if name == key:
                    return int(value)
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def kill_all(self) -> None:
        """SIGKILL whatever is left in the cgroup (e.g. a process that left the
        session); the PID namespace normally took everything with it."""
        for _ in range(50):
            pids = set()
            for procs in self.procs_files():
                try:
                    pids |= {int(p) for p in Path(procs).read_text().split()}
                except (OSError, ValueError):
                    pass
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        for path in reversed(self.dirs):
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs = []


def _remove_stale_cgroups(parents) -> None:
    """Remove empty sandbox cgroups left by a grader that was killed (their
    creating process is gone; a cgroup with processes in it cannot be removed)."""
    for parent in parents:
        try:
            entries = list(parent.glob("hwlib-sandbox-*-*"))
        except OSError:
            continue
        for path in entries:
            pid = path.name.split("-")[2]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                try:
                    path.rmdir()
                except OSError:
                    pass


def containment(limits: Limits) -> str:
    """How memory and processes are bounded on this machine, for this grader:

    "cgroup v2" / "cgroup v1": one cgroup per sandbox, so ``memory_bytes``
    and ``max_processes`` bound all its processes together; "rlimit" (no
    cgroup can be created, e.g. an unprivileged grader without a delegated
    cgroup, or ``limits.cgroup`` off): ``memory_bytes`` is per process
    (RLIMIT_AS) and ``max_processes`` per uid (RLIMIT_NPROC), so a sandbox
    may use up to max_processes x memory_bytes.
    """
    if not limits.cgroup:
        return "rlimit"
    if not _CGROUP_MODE:
        found = _cgroup_parents()
        if found is not None:
            _remove_stale_cgroups(found[1].values())
            try:  # can we really create one and write its limits?
                Cgroup(found[0], found[1], limits).remove()
            except OSError:
                found = None
        _CGROUP_MODE.append(found)
    found = _CGROUP_MODE[0]
    return "rlimit" if found is None else f"cgroup {found[0]}"


def _new_cgroup(limits: Limits) -> Cgroup | None:
    if containment(limits) == "rlimit":
        return None
    mode, parents = _CGROUP_MODE[0]
    try:
        return Cgroup(mode, parents, limits)
    except OSError:
        return None


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


def _limit_setter(limits: Limits, nproc: int, cgroup: Cgroup | None = None):
    """preexec_fn: join the sandbox's cgroup, apply the rlimits to bwrap and
    (by inheritance) the sandbox."""
    procs = cgroup.procs_files() if cgroup is not None else []

    def apply():
        for path in procs:
            with open(path, "w") as fh:
                fh.write("0")
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

    def record(self, event: dict, current: int | None) -> tuple[int | None, tuple | None]:
        """Apply one event; return (the step now in progress, its progress key).

        Events count only in protocol order (a result for step k only between
        "begin" k and "end" k), and a case's last result wins: the harness
        writes it after the call returns, so a line the student forged earlier
        (even a forged "begin"/"end" of a later step) is overwritten when the
        harness reaches that step. Forged lines can only claim answer values.

        The progress key orders the harness's events of one run: (step,
        phase, case). The watchdog counts only a key larger than every key
        seen so far as liveness, so a flood of lines (newlines, repeated or
        forged events) cannot keep a hung step alive: at most one call
        time-out per real (step, case) of the job.
        """
        kind, k = event.get("t"), event.get("step")
        if not isinstance(k, int) or not 0 <= k < len(self.steps):
            return current, None
        if kind == "begin":
            return k, (k, 0, 0)
        if k != current:
            return current, None
        if kind == "end":
            self.done.add(k)
            return None, (k, 2, 0)
        if kind == "cell" and self.steps[k]["kind"] == "cell":
            # first result: a cell re-executed after a restart keeps its first error
            error = event.get("error")
            self.cells.setdefault(k, None if error is None else str(error)[:300])
            return current, (k, 1, 0)
        if kind == "case" and self.steps[k]["kind"] == "problem":
            self._record_case(k, event)
            i = event.get("case")
            valid = isinstance(i, int) and 0 <= i < len(self.steps[k]["cases"])
            return current, ((k, 1, i + 1) if valid else None)
        return current, None

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
    the watchdog. Liveness is the harness's own progress (see
    :meth:`_Run.record`), never mere output. Returns (failure reason or None,
    step in progress, first bytes of stderr, whether the harness reported any
    event).
    """
    cgroup = _new_cgroup(limits)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True,
                                env=BWRAP_ENV,
                                preexec_fn=_limit_setter(limits, nproc, cgroup))
    except BaseException:
        if cgroup is not None:
            cgroup.remove()
        raise
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    buf, err, total = b"", b"", 0
    current: int | None = None
    last_news = time.monotonic()
    progress: tuple = (-1,)
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
                    try:
                        event = json.loads(line)
                    except (ValueError, RecursionError):
                        continue
                    if isinstance(event, dict):
                        started = True
                        current, key_ = run.record(event, current)
                        if key_ is not None and key_ > progress:
                            progress = key_
                            last_news = time.monotonic()
            if reason:
                break
    finally:
        _kill(proc)
        sel.close()
        oom = 0
        if cgroup is not None:
            cgroup.kill_all()
            oom = cgroup.oom_kills()
            cgroup.remove()
    if reason is None and run.pending():
        code = proc.returncode
        if oom:
            reason = (f"MemoryError: the submission's processes together exceeded "
                      f"{limits.memory_bytes // MiB} MiB")
        elif code is not None and (code < 0 or code > 128):
            # bwrap (PID 1 of the sandbox) exits 128 + N when its child died of signal N
            number = -code if code < 0 else code - 128
            try:
                name = f" ({signal.Signals(number).name})"
            except ValueError:
                name = ""
            reason = f"RuntimeError: the sandboxed code was killed by signal {number}{name}"
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
