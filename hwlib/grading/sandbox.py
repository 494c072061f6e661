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

This module holds :class:`Limits` (every limit of the sandbox and of the
trusted side's work on a submission), :class:`Outcome` and the entry points
:func:`execute` / :func:`run_steps`; the parts live in
:mod:`~hwlib.grading.sandbox_bwrap` (file system and bwrap command line,
:class:`SandboxUnavailable`), :mod:`~hwlib.grading.sandbox_containment`
(cgroup or rlimits: :func:`containment`) and
:mod:`~hwlib.grading.sandbox_watchdog` (one harness run under a watchdog).
Their public names are importable from here too.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .sandbox_bwrap import (BWRAP_ENV, HARNESS, SANDBOX_HARNESS, SANDBOX_JOB,  # noqa: F401
                            SANDBOX_SITE, SandboxUnavailable, bwrap_command)
from .sandbox_containment import (CGROUP_ROOT, Cgroup, MiB, _cgroup_parents,  # noqa: F401
                                  _count_processes, containment, sandbox_uid)
from .sandbox_watchdog import _one_run, _Run


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
