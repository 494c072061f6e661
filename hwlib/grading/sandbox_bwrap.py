"""The sandbox's file system and command line: the bubblewrap (``bwrap``) argv
that runs the harness (:func:`bwrap_command`), the environment bwrap itself
runs with, and :class:`SandboxUnavailable` when bwrap cannot run.

What the sandbox sees and why: :mod:`hwlib.grading.sandbox`.
"""
from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sandbox import Limits

HARNESS = Path(__file__).with_name("harness.py")
SANDBOX_SITE = "/opt/site"
SANDBOX_HARNESS = "/opt/harness/harness.py"
SANDBOX_JOB = "/job/job.json"


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create a sandbox on this machine."""


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
