"""The bubblewrap sandbox: what sandboxed answer code can see, do, and cost.

Each test runs a few answer cells through hwlib.grading.sandbox.execute and
checks the values or errors that come back. Oracles are facts fixed by the
test itself (paths it created, values it computed by hand), never output of
the code under test.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from hwlib.grading import sandbox, sandbox_containment

REPO = Path(__file__).resolve().parents[2]
FAST = sandbox.Limits(call_timeout=2.0, cell_timeout=4.0, wall_timeout=60.0,
                      memory_bytes=2 * 1024 ** 3)


def run_one(source: str, answer: str = "f", cases=(None,), limits=FAST):
    """Execute one cell, read one answer over ``cases``; return the outputs."""
    outcome = sandbox.execute([{"id": "cell", "source": source}],
                              [{"id": "p", "answer": answer, "cell": "cell",
                                "cases": list(cases)}], limits)
    return outcome, outcome.outputs["p"]


def value_of(source: str, answer: str = "v"):
    """The single value an answer cell leaves in ``answer`` (or its error)."""
    _, out = run_one(source, answer)
    return out[0]["value"] if out[0]["ok"] else out[0]["error"]


def test_bwrap_is_installed():
    """Is bubblewrap available, as the Makefile's sysdeps target installs it?"""
    assert shutil.which("bwrap") is not None


def test_hwlib_cannot_be_imported():
    """Does `import hwlib` fail inside the sandbox, although the venv has it?"""
    got = value_of("try:\n    import hwlib\n    v = 'imported'\n"
                   "except ImportError as e:\n    v = type(e).__name__")
    assert got in ("ModuleNotFoundError", "ImportError")


def test_hwlib_not_reachable_by_importlib_or_path():
    """Is hwlib absent from every sys.path entry and from importlib's finders?"""
    got = value_of("import importlib.util, os, sys\n"
                   "v = [importlib.util.find_spec('hwlib') is None,\n"
                   "     any(os.path.exists(os.path.join(p, 'hwlib', 'registry.py'))\n"
                   "         for p in sys.path)]")
    assert got == [True, False]


def test_repository_and_course_are_invisible():
    """Can sandboxed code see the repository or a course directory? (It must not.)"""
    probe = [str(REPO), str(REPO / "hwlib" / "registry.py"),
             str(REPO / "assignments" / "manifest.json"), str(REPO / ".venv" / "bin")]
    got = value_of(f"import os\nv = [os.path.exists(p) for p in {probe!r}]")
    assert got == [False, False, False, False]


def test_no_network():
    """Does a TCP connection to the outside (or to localhost) fail?"""
    got = value_of("import socket\nv = []\n"
                   "for host in ('1.1.1.1', '127.0.0.1'):\n"
                   "    try:\n"
                   "        socket.create_connection((host, 80), timeout=1).close()\n"
                   "        v.append('connected')\n"
                   "    except OSError:\n"
                   "        v.append('refused')")
    assert got == ["refused", "refused"]


def test_environment_is_cleared():
    """Are the grader's environment variables hidden from the sandbox?"""
    os.environ["HWLIB_SECRET_PROBE"] = "leak"
    try:
        got = value_of("import os\nv = sorted(os.environ)")
    finally:
        del os.environ["HWLIB_SECRET_PROBE"]
    assert "HWLIB_SECRET_PROBE" not in got
    assert set(got) <= {"HOME", "LANG", "PATH", "PWD", "TMPDIR", "MPLBACKEND",
                        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}


def test_only_tmp_is_writable():
    """Is every place but the private /tmp read-only?"""
    got = value_of("import os\nv = {}\n"
                   "for d in ('/tmp', '/usr', '/job', '/opt/site', '/', '/dev/shm'):\n"
                   "    try:\n"
                   "        open(os.path.join(d, 'x'), 'w').write('x')\n"
                   "        v[d] = 'written'\n"
                   "    except OSError:\n"
                   "        v[d] = 'denied'")
    assert got == {"/tmp": "written", "/usr": "denied", "/job": "denied",
                   "/opt/site": "denied", "/": "denied", "/dev/shm": "written"}


def test_tmp_is_size_limited():
    """Does filling /tmp stop at its size limit with an OSError?"""
    limits = FAST.with_overrides(tmpfs_bytes=4 * 1024 * 1024)
    _, out = run_one("def f():\n    with open('/tmp/fill', 'wb') as fh:\n"
                     "        for _ in range(100):\n            fh.write(b'x' * 1024 * 1024)\n"
                     "    return 'filled'", cases=[{}], limits=limits)
    assert not out[0]["ok"] and out[0]["error"].startswith("OSError")


def test_runs_as_unprivileged_user():
    """Does sandboxed code run without any capability and as a uid that is not
    root outside the sandbox? (As root: a per-slot uid; as a normal user: uid 0
    of a user namespace, mapped to that user, with every capability dropped.)"""
    got = value_of("import os\ncaps = {l.split(':')[0]: l.split()[1] for l in\n"
                   "        open('/proc/self/status') if l.startswith('Cap')}\n"
                   "outer = int(open('/proc/self/uid_map').read().split()[1])\n"
                   "inner = os.getuid()\n"
                   "v = [caps['CapEff'], caps['CapPrm'], caps['CapBnd'], caps['CapAmb'],\n"
                   "     (inner if outer == 0 else outer) == 0]")
    assert got == ["0000000000000000"] * 4 + [False]


def test_infinite_loop_costs_only_its_problem():
    """Does a hanging answer time out while the next problem still gets its value?"""
    outcome = sandbox.execute(
        [{"id": "c", "source": "def slow(x):\n    while True:\n        pass\n"
                               "def fast(x):\n    return x + 1"}],
        [{"id": "slow", "answer": "slow", "cell": "c", "cases": [{"x": 1}, {"x": 2}]},
         {"id": "fast", "answer": "fast", "cell": "c", "cases": [{"x": 41}]}], FAST)
    assert [o["ok"] for o in outcome.outputs["slow"]] == [False, False]
    assert outcome.outputs["slow"][0]["error"].startswith("TimeoutError")
    assert outcome.outputs["fast"] == [{"ok": True, "value": 42}]


def test_hang_that_ignores_the_alarm_is_killed_and_restarted():
    """If an answer disables the in-sandbox alarm, does the parent kill it and
    restart the harness past it, so later problems are still graded?"""
    outcome = sandbox.execute(
        [{"id": "c", "source": "import signal\n"
                               "def stuck(x):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                               "    while True:\n        pass\n"
                               "def fine(x):\n    return 2 * x"}],
        [{"id": "stuck", "answer": "stuck", "cell": "c", "cases": [{"x": 1}]},
         {"id": "fine", "answer": "fine", "cell": "c", "cases": [{"x": 5}]}], FAST)
    assert outcome.outputs["stuck"][0]["error"].startswith("TimeoutError")
    assert outcome.outputs["fine"] == [{"ok": True, "value": 10}]
    assert len(outcome.incidents) == 1


def test_hanging_cell_is_skipped_on_restart():
    """Does a cell that never finishes lose only the answers it defines?"""
    outcome = sandbox.execute(
        [{"id": "a", "source": "def g(x):\n    return x * 3"},
         {"id": "b", "source": "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                               "def h(x):\n    return 0\nwhile True:\n    pass"}],
        [{"id": "g", "answer": "g", "cell": "a", "cases": [{"x": 2}]},
         {"id": "h", "answer": "h", "cell": "b", "cases": [{"x": 2}]}], FAST)
    assert outcome.outputs["g"] == [{"ok": True, "value": 6}]
    assert not outcome.outputs["h"][0]["ok"]
    assert outcome.cell_errors["b"].startswith("TimeoutError")


def test_process_exit_in_an_answer_is_contained():
    """Does os._exit in one answer cost that answer only?"""
    outcome = sandbox.execute(
        [{"id": "c", "source": "import os\ndef bye(x):\n    os._exit(3)\n"
                               "def ok(x):\n    return [x, x]"}],
        [{"id": "bye", "answer": "bye", "cell": "c", "cases": [{"x": 1}]},
         {"id": "ok", "answer": "ok", "cell": "c", "cases": [{"x": 7}]}], FAST)
    assert not outcome.outputs["bye"][0]["ok"]
    assert outcome.outputs["ok"] == [{"ok": True, "value": [7, 7]}]


def test_forged_done_line_is_ignored():
    """Does a cell that writes a fake 'done' event on the result channel fail to
    end the run early (the next answers are still evaluated)?"""
    outcome = sandbox.execute(
        [{"id": "c", "source": "import os, json\n"
                               "for fd in range(3, 20):\n"
                               "    try:\n        os.write(fd, b'{\"t\": \"done\"}\\n')\n"
                               "    except OSError:\n        pass\n"
                               "def k(x):\n    return x - 1"}],
        [{"id": "k", "answer": "k", "cell": "c", "cases": [{"x": 10}]}], FAST)
    assert outcome.outputs["k"] == [{"ok": True, "value": 9}]


def test_values_are_converted_to_json_data():
    """Are numpy arrays, numpy scalars, tuples and sympy expressions returned
    as lists, numbers and strings?"""
    got = value_of("import numpy as np, sympy\n"
                   "v = [np.arange(3).reshape(1, 3), np.float64(0.5), (1, 2),\n"
                   "     sympy.Symbol('x') * 2]")
    assert got == [[[0, 1, 2]], 0.5, [1, 2], "2*x"]


def test_unconvertible_value_is_an_error():
    """Is an answer that is not data (a function object) reported as an error?"""
    got = value_of("v = print")
    assert got.startswith("TypeError")


def test_patched_builtins_are_restored_between_steps():
    """Does a cell that replaces builtins leave later answers unaffected?"""
    outcome = sandbox.execute(
        [{"id": "a", "source": "import builtins\nbuiltins.isinstance = lambda *a: True\n"
                               "builtins.len = lambda x: 0"},
         {"id": "b", "source": "import numpy as np\ndef f(n):\n    return np.ones(n)"}],
        [{"id": "f", "answer": "f", "cell": "b", "cases": [{"n": 2}]}], FAST)
    assert outcome.outputs["f"] == [{"ok": True, "value": [1.0, 1.0]}]


def test_ipython_magics_are_stripped():
    """Do %magic and !shell lines not stop the rest of the cell from running?"""
    got = value_of("%matplotlib inline\n!ls /\nv = 5")
    assert got == 5


def test_python_is_the_graders_interpreter():
    """Does the sandbox run the same Python version as the grader?"""
    got = value_of("import sys\nv = list(sys.version_info[:2])")
    assert got == list(sys.version_info[:2])


# ---------------------------------------------------------------- issue 13: limits of the whole sandbox

def test_segfault_is_a_crash_of_that_step_only():
    """Does a real segfault (reading address 8 through ctypes) kill the step it
    happened in, reported as a signal, while the next problem is graded?"""
    outcome = sandbox.execute(
        [{"id": "c", "source": "import ctypes\n"
                               "def crash(x):\n    return ctypes.c_char.from_address(8).value\n"
                               "def ok(x):\n    return x + 1"}],
        [{"id": "crash", "answer": "crash", "cell": "c", "cases": [{"x": 1}]},
         {"id": "ok", "answer": "ok", "cell": "c", "cases": [{"x": 1}]}], FAST)
    assert outcome.outputs["crash"] == [
        {"ok": False, "error": "RuntimeError: the sandboxed code was killed by signal 11 (SIGSEGV)"}]
    assert outcome.outputs["ok"] == [{"ok": True, "value": 2}]


def test_scratch_mounts_have_an_inode_cap():
    """Does creating empty files in /tmp and in /dev/shm stop at tmpfs_inodes
    (the root directory of each tmpfs is one of them)?"""
    limits = FAST.with_overrides(tmpfs_inodes=300)
    _, out = run_one("import os\ndef f(d):\n    n = 0\n    try:\n        while n < 100000:\n"
                     "            open(os.path.join(d, f'f{n}'), 'w').close()\n"
                     "            n += 1\n    except OSError as e:\n"
                     "        return [n, e.errno]\n    return [n, 0]",
                     cases=[{"d": "/tmp"}, {"d": "/dev/shm"}], limits=limits)
    assert out == [{"ok": True, "value": [299, 28]}, {"ok": True, "value": [299, 28]}]


def test_every_writable_mount_is_sized():
    """Can sandboxed code create a file on any mount other than /tmp and
    /dev/shm, and are those two tmpfs with both a size and an inode cap?
    (Each read-write mount point of /proc/self/mountinfo is tried for real.)"""
    got = value_of(
        "import os\nv = []\n"
        "for line in open('/proc/self/mountinfo'):\n"
        "    left, right = line.split(' - ')\n"
        "    point = left.split()[4]\n"
        "    fstype, opts = right.split()[0], right.split()[2]\n"
        "    if not os.path.isdir(point) or point.startswith(('/proc', '/sys')):\n"
        "        continue\n"
        "    try:\n"
        "        open(os.path.join(point, '.probe'), 'w').close()\n"
        "    except OSError:\n"
        "        continue\n"
        "    v.append([point, fstype, 'size=' in opts, 'nr_inodes=' in opts])")
    assert got == [["/tmp", "tmpfs", True, True], ["/dev/shm", "tmpfs", True, True]]


def test_grader_environment_not_readable_through_proc():
    """Can sandboxed code read the grader's environment through /proc (bwrap is
    PID 1 of the sandbox)? No process in it may carry the grader's variables."""
    os.environ["HWLIB_SECRET_PROBE"] = "leak-through-proc"
    try:
        got = value_of("import os\nv = []\n"
                       "for pid in os.listdir('/proc'):\n"
                       "    if pid.isdigit():\n"
                       "        try:\n"
                       "            v.append('leak-through-proc' in open(f'/proc/{pid}/environ').read())\n"
                       "        except OSError:\n"
                       "            pass\n"
                       "v = any(v)")
    finally:
        del os.environ["HWLIB_SECRET_PROBE"]
    assert got is False


def test_newline_flood_does_not_keep_a_hung_call_alive():
    """A call that ignores the alarm and has a child write newlines, its own
    step's "begin" line again and events of no step to every descriptor: is it
    killed after its call time-out, not
    at the wall limit (the next problem is still graded, and the error is the
    call's time-out)?"""
    source = ("import os, signal, time\n"
              "def stuck(x):\n"
              "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
              "    if os.fork() == 0:\n"
              "        while True:\n"
              "            for fd in range(1, 30):\n"
              "                try:\n"
              "                    os.write(fd, b'\\n{\"t\": \"begin\", \"step\": 1}\\n{\"t\": \"end\", \"step\": 7}\\n')\n"
              "                except OSError:\n"
              "                    pass\n"
              "            time.sleep(0.05)\n"
              "    while True:\n"
              "        pass\n"
              "def fine(x):\n    return 3 * x\n")
    limits = FAST.with_overrides(wall_timeout=40.0)
    outcome = sandbox.execute(
        [{"id": "c", "source": source}],
        [{"id": "stuck", "answer": "stuck", "cell": "c", "cases": [{"x": 1}]},
         {"id": "fine", "answer": "fine", "cell": "c", "cases": [{"x": 5}]}], limits)
    assert outcome.outputs["stuck"] == [{"ok": False, "error": "TimeoutError: time limit exceeded"}]
    assert outcome.outputs["fine"] == [{"ok": True, "value": 15}]


HOG = ("import os, time\n"
       "def hog(n, mib):\n"
       "    kids = []\n"
       "    for _ in range(n):\n"
       "        pid = os.fork()\n"
       "        if pid == 0:\n"
       "            block = b'x' * (mib << 20)\n"
       "            time.sleep(3)\n"
       "            os._exit(0)\n"
       "        kids.append(pid)\n"
       "    codes = [os.waitpid(p, 0)[1] for p in kids]\n"
       "    return [sum(c == 0 for c in codes), sum(os.WIFSIGNALED(c) and os.WTERMSIG(c) == 9\n"
       "                                          for c in codes)]\n")


def test_memory_limit_holds_for_many_processes_together():
    """Eight children of 160 MiB each (1280 MiB in all) under a 512 MiB limit:
    with a cgroup per sandbox, at most three can hold their memory at once and
    the kernel kills the rest; without one (the documented fallback) the limit
    is per process, so all eight finish and max_processes bounds the total."""
    limits = FAST.with_overrides(memory_bytes=512 * 1024 ** 2, call_timeout=20.0)
    mode = sandbox.containment(limits)
    _, out = run_one(HOG, answer="hog", cases=[{"n": 8, "mib": 160}], limits=limits)
    assert out[0]["ok"], out
    finished, killed = out[0]["value"]
    assert finished + killed == 8
    if mode.startswith("cgroup"):
        assert finished <= 3 and killed >= 5
    else:
        assert (finished, killed) == (8, 0)


def test_process_limit_holds_for_the_whole_sandbox():
    """Can a submission start more than max_processes processes at once? Forks
    beyond the limit fail with an OSError (EAGAIN), by the cgroup's pids.max or
    by RLIMIT_NPROC of the sandbox uid."""
    limits = FAST.with_overrides(max_processes=12, call_timeout=10.0)
    _, out = run_one("import os, time\n"
                     "def f():\n    kids = []\n"
                     "    try:\n"
                     "        for _ in range(40):\n"
                     "            pid = os.fork()\n"
                     "            if pid == 0:\n"
                     "                time.sleep(0.5)\n"
                     "                os._exit(0)\n"
                     "            kids.append(pid)\n"
                     "    except OSError as e:\n"
                     "        err = e.errno\n"
                     "    else:\n"
                     "        err = 0\n"
                     "    for p in kids:\n"
                     "        os.waitpid(p, 0)\n"
                     "    return [len(kids) < 12, err]", cases=[{}], limits=limits)
    assert out == [{"ok": True, "value": [True, 11]}]


def test_containment_is_a_cgroup_when_root_can_create_one():
    """As root on a machine with writable memory and pids cgroups, is a cgroup
    per sandbox used; with limits.cgroup off, the rlimit fallback?"""
    assert sandbox.containment(FAST.with_overrides(cgroup=False)) == "rlimit"
    if os.geteuid() == 0 and sandbox._cgroup_parents() is not None:
        assert sandbox.containment(FAST).startswith("cgroup v")


def test_stale_cgroups_of_a_killed_grader_are_removed(monkeypatch):
    """Are empty sandbox cgroups left by a grader process that no longer exists
    removed when containment is first probed (and live ones kept)?"""
    found = sandbox._cgroup_parents()
    if os.geteuid() != 0 or found is None:
        import pytest
        pytest.skip("no cgroup can be created here (the rlimit fallback is active)")
    dead = 999_999
    while Path(f"/proc/{dead}").exists():
        dead -= 1
    stale = [parent / f"hwlib-sandbox-{dead}-1" for parent in found[1].values()]
    live = [parent / f"hwlib-sandbox-{os.getpid()}-999" for parent in found[1].values()]
    for path in stale + live:
        path.mkdir()
    try:
        monkeypatch.setattr(sandbox_containment, "_CGROUP_MODE", [])
        assert sandbox.containment(FAST).startswith("cgroup v")
        assert [p.exists() for p in stale + live] == [False] * len(stale) + [True] * len(live)
    finally:
        for path in stale + live:
            if path.exists():
                path.rmdir()
