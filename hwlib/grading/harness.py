"""Sandbox-side runner: execute a submission's answer cells, call its answers.

This file runs INSIDE the sandbox as a plain script (``python -I -S -B
harness.py JOB.json``); it imports nothing from hwlib and only the standard
library (numpy, sympy or torch are imported by the student's own code, and
recognised here by duck typing, so a submission that does not use them does
not pay for them).

Protocol. The job file holds::

    {"site": [dirs appended to sys.path],
     "steps": [{"kind": "cell", "id": grade_id, "source": str, "timeout": s}
               | {"kind": "problem", "id": pid, "answer": name,
                  "cell": grade_id, "cases": [args dict | None, ...],
                  "timeout": s}],
     "skip": [indices of steps not to run], "max_value_chars": int}

The harness writes one JSON object per line to its original stdout (the
result channel; the student's own stdout and stderr go to /dev/null)::

    {"t": "begin", "step": k}
    {"t": "cell", "step": k, "error": null | "Type: message"}
    {"t": "case", "step": k, "case": i, "ok": true, "value": <json>}
    {"t": "case", "step": k, "case": i, "ok": false, "error": "Type: message"}
    {"t": "end", "step": k}
    {"t": "done"}              (informational: the parent waits for the pipe to close)

Nothing here is trusted by the parent: a line the student forges can only
claim an answer value, which the parent scores like any other, and the
harness's own line for a case, written after the call returns, replaces it.
"""
import builtins
import json
import os
import re
import signal
import sys

ERROR_CHARS = 300          # longest error message passed back
MAX_DEPTH = 32             # deepest nesting of a returned value

# Taken before any student code runs: a cell that patches json or builtins
# must not change how the harness reports (it could only hurt itself, but the
# grade must depend on the answers alone).
_dumps, _loads = json.dumps, json.loads
_BUILTINS = dict(builtins.__dict__)


def restore_builtins():
    """Undo whatever a cell did to the builtins module (added or replaced names)."""
    current = builtins.__dict__
    for name in [n for n in current if n not in _BUILTINS]:
        del current[name]
    current.update(_BUILTINS)


class CallTimeout(BaseException):
    """Raised in the sandboxed code when a cell or a call runs out of time."""


def _on_alarm(signum, frame):
    raise CallTimeout()


def describe(exc):
    """``"Type: message"`` of an exception, shortened; never a traceback."""
    if isinstance(exc, CallTimeout):
        return "TimeoutError: time limit exceeded"
    try:
        text = f"{type(exc).__name__}: {exc}"
    except BaseException:  # a student exception whose __str__ fails
        text = f"{type(exc).__name__}: (message unavailable)"
    if len(text) > ERROR_CHARS:
        text = text[:ERROR_CHARS] + "..."
    return text


MAGIC = re.compile(r"^\s*([%!]|[A-Za-z_]\w*\s*=\s*[%!](?!=))")


def strip_magics(source):
    """Replace IPython magics and shell escapes by ``pass`` (``%time``,
    ``%%capture``, ``!ls``, ``files = !ls``), keeping the indentation."""
    lines = []
    for line in source.split("\n"):
        if MAGIC.match(line):
            stripped = line.lstrip()
            lines.append(line[: len(line) - len(stripped)] + "pass  # " + stripped)
        else:
            lines.append(line)
    return "\n".join(lines)


def to_jsonable(value, depth=0):
    """JSON data from an answer: numbers, strings, nested lists (arrays via tolist)."""
    if depth > MAX_DEPTH:
        raise ValueError("returned value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    module = type(value).__module__ or ""
    root = module.split(".")[0]
    if root == "sympy":
        return str(value)
    if root == "fractions":
        return str(value)
    if root == "torch" and hasattr(value, "detach"):
        return to_jsonable(value.detach().cpu().tolist(), depth + 1)
    if root == "numpy" and hasattr(value, "tolist"):
        converted = value.tolist()
        if type(converted).__module__.split(".")[0] == "numpy":
            raise TypeError(f"cannot convert {type(value).__name__} to data")
        return to_jsonable(converted, depth + 1)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item, depth + 1) for key, item in value.items()}
    raise TypeError(f"answer is a {type(value).__name__}, not numbers, "
                    f"lists, arrays or a string")


class Channel:
    """The result channel: one flushed JSON line per event."""

    def __init__(self, fd):
        self.stream = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
        self.dumps = _dumps

    def send(self, **event):
        self.stream.write(self.dumps(event) + "\n")
        self.stream.flush()


def isolate_output():
    """Keep the real stdout as the channel; send the student's output to /dev/null."""
    channel_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = open(os.devnull, "w")
    sys.stderr = sys.stdout
    return Channel(channel_fd)


def run_with_timeout(fn, seconds):
    """Call ``fn()`` with a wall-clock alarm; the parent also watches the time."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_cell(step, namespace):
    """Execute one answer cell in the shared namespace; return the error text or None."""
    try:
        code = compile(strip_magics(step["source"]), f"<cell {step['id']}>", "exec")
        run_with_timeout(lambda: exec(code, namespace), step["timeout"])
    except BaseException as exc:  # a failing cell is recorded, not fatal
        return describe(exc)
    return None


def call_case(answer, args, max_chars):
    """One result: the answer's value (args None) or answer(**args), as JSON text."""
    value = answer if args is None else answer(**args)
    text = _dumps(to_jsonable(value), allow_nan=True)
    if len(text) > max_chars:
        raise ValueError(f"returned value is larger than {max_chars} characters")
    return text


def run_problem(k, step, namespace, channel, max_chars, cell_errors):
    """Evaluate every case of one problem, stopping at the first time-out."""
    name = step["answer"]
    missing = None
    if name not in namespace:
        missing = f"NameError: {name} is not defined"
        if cell_errors.get(step.get("cell")):
            missing += f" (its answer cell failed with {cell_errors[step['cell']]})"
    timed_out = False
    for i, args in enumerate(step["cases"]):
        if missing or timed_out:
            error = missing or "TimeoutError: skipped after an earlier case timed out"
            channel.send(t="case", step=k, case=i, ok=False, error=error)
            continue
        try:
            text = run_with_timeout(
                lambda: call_case(namespace[name], _loads(_dumps(args)), max_chars),
                step["timeout"])
        except BaseException as exc:  # the student's exception is the result
            timed_out = isinstance(exc, CallTimeout)
            channel.send(t="case", step=k, case=i, ok=False, error=describe(exc))
            continue
        channel.stream.write(f'{{"t": "case", "step": {k}, "case": {i}, "ok": true, '
                             f'"value": {text}}}\n')
        channel.stream.flush()


def main(job_path):
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    sys.path.extend(job.get("site", []))
    channel = isolate_output()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError
    namespace = {"__name__": "__main__", "__builtins__": builtins,
                 "display": lambda *a, **k: None}
    skip = set(job.get("skip", []))
    cell_errors = {}
    max_chars = job.get("max_value_chars", 1_000_000)
    for k, step in enumerate(job["steps"]):
        if k in skip:
            continue
        channel.send(t="begin", step=k)
        if step["kind"] == "cell":
            error = run_cell(step, namespace)
            restore_builtins()
            cell_errors[step["id"]] = error
            channel.send(t="cell", step=k, error=error)
        else:
            run_problem(k, step, namespace, channel, max_chars, cell_errors)
            restore_builtins()
        channel.send(t="end", step=k)
    channel.send(t="done")
    channel.stream.close()
    os._exit(0)  # skip interpreter teardown: student atexit hooks do not run


MS_NOSUID, MS_NODEV = 2, 4
SCRATCH_MOUNTS = ("/tmp", "/dev/shm")


def mount_scratch(size, inodes, argv):
    """First step inside the sandbox (``--mount SIZE INODES -- CMD...``), the only
    one with CAP_SYS_ADMIN: mount /tmp and /dev/shm as tmpfs with a size AND
    an inode cap (bwrap's --tmpfs has no inode option), then exec CMD, which
    drops every capability before any submitted code runs."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={int(size)},nr_inodes={int(inodes)},mode=1777".encode()
    for target in SCRATCH_MOUNTS:
        if libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options):
            errno = ctypes.get_errno()
            sys.stderr.write(f"harness: cannot mount {target}: {os.strerror(errno)}\n")
            os._exit(70)
    os.chdir("/tmp")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    if sys.argv[1] == "--mount":
        mount_scratch(sys.argv[2], sys.argv[3], sys.argv[5:])
    main(sys.argv[1])
