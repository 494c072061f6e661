"""One harness process under a watchdog: the parent reads the harness's JSON
events (:class:`_Run` keeps the steps' results across restarts), kills a
step that stops making progress, and says why a run ended (:func:`_one_run`).

The event protocol: :mod:`hwlib.grading.harness`; the restarts:
:func:`hwlib.grading.sandbox.run_steps`.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from typing import TYPE_CHECKING

from .sandbox_bwrap import BWRAP_ENV
from .sandbox_containment import MiB, _limit_setter, _new_cgroup

if TYPE_CHECKING:
    from .sandbox import Limits


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
