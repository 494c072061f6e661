"""How a sandbox's memory and processes are bounded: a cgroup per sandbox where
the grader may create one (:class:`Cgroup`, :func:`containment`), else
rlimits alone; the rlimits applied to bwrap and everything it starts
(:func:`_limit_setter`) and the uid each worker slot's sandboxes run as.

The limits themselves: :class:`hwlib.grading.sandbox.Limits`.
"""
from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sandbox import Limits

MiB = 1024 * 1024
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
