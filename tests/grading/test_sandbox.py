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


from hwlib.grading import sandbox

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
    """Does sandboxed code run without root's uid and with no capabilities?"""
    got = value_of("import os\ncaps = [l.split()[1] for l in open('/proc/self/status')\n"
                   "        if l.startswith('CapEff')]\nv = [os.getuid() == 0, caps[0]]")
    assert got == [False, "0000000000000000"]


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
