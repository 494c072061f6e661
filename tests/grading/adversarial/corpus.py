"""The adversarial corpus: hostile hw2 submissions and the points each must get.

Every submission is built from the bundled reference submission of hw2
(assignments/samples/hw2/reference, all answers right) by injecting an
attack, so the expected points are hand-computed as "the points of the
problems whose real answers are left intact":

    expected(attack) = sum(points(p) for p in the problems it leaves intact)

Most "reading" attacks are GATED: the answer returns the right values only if
the forbidden capability worked (hwlib imported, the source notebook read, the
network reached...), and zeros otherwise. So a working attack would show up as
extra points, and the test that the attack earns nothing is a test that the
capability is absent.

Threats (docs/grading.md): 1 calling the reference, 2 reading the
instructor's side, 3 patching the grader, 4 editing locked cells / metadata,
5 resources, 6 writing outside the scratch space, 7 malformed input, 8 a
malformed file that stops the whole run, 9 unbounded work on the trusted side
(formulas), 10 student HTML in the feedback page.

Some attacks hand in files next to the notebook (``Attack.files``).
"""
from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

Q2B = "hw2_q2b_answer"        # filter_from_output, hw2.q2b
Q2C = "hw2_q2c_answer"        # transpose_conv2d, hw2.q2c
Q4 = "hw2_q4_answer"          # meanonly_bn_backward, hw2.q4

ALL = ("hw2.q2b", "hw2.q2c", "hw2.q2c_1d", "hw2.q3", "hw2.q4", "hw2.q4_formula",
       "hw2.q5", "hw2.q5_counts", "hw2.q6")


@dataclass(frozen=True)
class Context:
    """Real paths an attacker might guess (the test hands them over)."""

    course: Path
    repo: Path


@dataclass(frozen=True)
class Attack:
    """One hostile submission: its threat, how to build it, what it keeps."""

    name: str
    threat: int
    build: Callable[[dict, Context], bytes]
    intact: tuple[str, ...]     # problems whose real answers survive the attack
    files: dict[str, bytes] = field(default_factory=dict)   # handed in next to hw2.ipynb
    note: str | None = None     # the note its feedback and the run summary must carry
    # where no cgroup bounds the sandbox as a whole (the documented fallback:
    # memory per process, processes per uid SHARED by all sandboxes of the
    # run), the possible outcomes instead; None: same as intact
    without_cgroup: tuple[tuple[str, ...], ...] | None = None

    def expected(self, containment: str) -> tuple[tuple[str, ...], ...]:
        """The possible sets of problems that keep their points in this mode."""
        if containment == "rlimit" and self.without_cgroup is not None:
            return self.without_cgroup
        return (self.intact,)


# ----------------------------------------------------------------------------
# building blocks
# ----------------------------------------------------------------------------

def cell_source(nb: dict, grade_id: str) -> str:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            src = cell["source"]
            return src if isinstance(src, str) else "".join(src)
    raise KeyError(grade_id)


def with_cells(nb: dict, **sources: str) -> dict:
    """A copy of nb with some cells' sources replaced (keyword = grade_id)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell["source"] = sources[grade_id]
    return nb


def dumps(nb: dict) -> bytes:
    return json.dumps(nb).encode()


def gated_q2b(nb: dict, probe: str) -> str:
    """The q2b answer cell: right only if ``probe`` sets ``_ok`` to True."""
    real = cell_source(nb, Q2B).replace("def filter_from_output", "def _real_filter")
    probe = "\n".join("    " + line for line in probe.strip().split("\n"))
    return (f"_ok = False\ntry:\n{probe}\nexcept BaseException:\n    _ok = False\n"
            f"{real}\n"
            "def filter_from_output(x, y):\n"
            "    return _real_filter(x, y) if _ok else [0.0, 0.0, 0.0]\n")


def gated(probe: Callable[[Context], str]):
    return lambda nb, ctx: dumps(with_cells(nb, **{Q2B: gated_q2b(nb, probe(ctx))}))


def replace_q2b(code: str):
    return lambda nb, ctx: dumps(with_cells(nb, **{Q2B: code}))


def stub(nb: dict, grade_id: str) -> str:
    return "# YOUR CODE HERE\nraise NotImplementedError()"


def without(*names: str) -> tuple[str, ...]:
    return tuple(p for p in ALL if p not in names)


# ----------------------------------------------------------------------------
# 1. calling the reference
# ----------------------------------------------------------------------------

THREAT1 = [
    Attack("import_hwlib", 1, gated(lambda c: "import hwlib\n_ok = True"),
           without("hw2.q2b")),
    Attack("importlib_hwlib", 1, gated(lambda c: "import importlib\n"
                                                 "importlib.import_module('hwlib.registry')\n"
                                                 "_ok = True"), without("hw2.q2b")),
    Attack("dunder_import_hwlib", 1, gated(lambda c: "__import__('hwlib.grading.checkers')\n"
                                                     "_ok = True"), without("hw2.q2b")),
    Attack("sys_modules_hwlib", 1, gated(lambda c: "import sys\n"
                                                   "_ok = any(k.startswith('hwlib') for k in sys.modules)"),
           without("hw2.q2b")),
    Attack("sys_path_repo", 1, gated(lambda c: f"import sys\nsys.path.insert(0, {str(c.repo)!r})\n"
                                               "import hwlib.registry\n_ok = True"),
           without("hw2.q2b")),
    Attack("read_hwlib_files", 1, gated(lambda c: (
        "import os, sys, importlib.metadata\n"
        f"_paths = [{str(c.repo / 'hwlib' / 'registry.py')!r}]\n"
        "_paths += [os.path.join(p, 'hwlib', 'registry.py') for p in sys.path]\n"
        "_found = [p for p in _paths if os.path.exists(p)]\n"
        "try:\n    importlib.metadata.distribution('hwlib').read_text('RECORD')\n"
        "    _found.append('dist')\nexcept Exception:\n    pass\n"
        "_ok = bool(_found) and len(open(_found[0]).read()) > 0")), without("hw2.q2b")),
    Attack("subprocess_hwlib", 1, gated(lambda c: (
        "import subprocess, sys, os\n"
        f"_env = {{'PYTHONPATH': {str(c.repo)!r}, 'PATH': '/usr/bin:/bin'}}\n"
        "_r1 = subprocess.run([sys.executable, '-c', 'import hwlib'], env=_env,\n"
        "                     capture_output=True, timeout=20).returncode\n"
        "_r2 = subprocess.run(['python3', '-m', 'hwlib', 'problems'], env=_env,\n"
        "                     capture_output=True, timeout=20).returncode\n"
        "_ok = _r1 == 0 or _r2 == 0")), without("hw2.q2b")),
]

# ----------------------------------------------------------------------------
# 2. reading the instructor's side
# ----------------------------------------------------------------------------


def _read_any(paths: str) -> str:
    return ("import os\n"
            f"_ok = any(os.path.isfile(p) and len(open(p, 'rb').read(10)) > 0 for p in {paths})")


THREAT2 = [
    Attack("read_source_notebook", 2, gated(lambda c: _read_any(repr([
        str(c.course / "source" / "hw2" / "hw2.ipynb"),
        str(c.repo / "assignments" / "source" / "hw2" / "hw2.ipynb"),
        "../source/hw2/hw2.ipynb", "../../source/hw2/hw2.ipynb",
        "../../../source/hw2/hw2.ipynb"]))), without("hw2.q2b")),
    Attack("read_gradebook", 2, gated(lambda c: (
        "import sqlite3\n"
        f"_db = sqlite3.connect('file:' + {str(c.course / 'gradebook.db')!r} + '?mode=ro', uri=True)\n"
        "_ok = len(_db.execute('select * from grade_cells').fetchall()) > 0")),
        without("hw2.q2b")),
    Attack("read_other_submission", 2, gated(lambda c: _read_any(repr([
        str(c.course / "submitted" / "reference" / "hw2" / "hw2.ipynb"),
        str(c.course / "autograded" / "reference" / "hw2" / "hw2.ipynb"),
        "../reference/hw2/hw2.ipynb"]))), without("hw2.q2b")),
    Attack("read_environment", 2, gated(lambda c: (
        "import os\n"
        f"_ok = any({str(c.repo)!r} in v or 'hwlib' in v.lower() or 'HWLIB' in k\n"
        "          or 'VIRTUAL_ENV' in k for k, v in os.environ.items())")),
        without("hw2.q2b")),
    # bwrap is PID 1 of the sandbox: its /proc/1/environ must not hold the
    # grader's environment (the test sets HWLIB_CORPUS_SECRET before grading)
    Attack("proc_environ", 2, gated(lambda c: (
        "import os\n_ok = False\n"
        "for _pid in os.listdir('/proc'):\n"
        "    try:\n"
        "        _ok = _ok or b'HWLIB_CORPUS_SECRET' in open(f'/proc/{_pid}/environ', 'rb').read()\n"
        "    except OSError:\n"
        "        pass")), without("hw2.q2b")),
    Attack("network", 2, gated(lambda c: (
        "import socket\n_ok = False\n"
        "for _host, _port in (('1.1.1.1', 53), ('8.8.8.8', 443), ('127.0.0.1', 8888),\n"
        "                     ('127.0.0.1', 22), ('pypi.org', 443)):\n"
        "    try:\n"
        "        socket.create_connection((_host, _port), timeout=1).close()\n"
        "        _ok = True\n"
        "    except OSError:\n"
        "        pass")), without("hw2.q2b")),
    # the job file holds the answer cells and the case arguments: is anything
    # about the expected answers (or the seed that draws the cases) in it?
    Attack("expected_values_in_job", 2, gated(lambda c: (
        "import json, glob\n"
        "_jobs = [json.load(open(p)) for p in glob.glob('/job/*.json')]\n"
        "_keys = set()\n"
        "for _job in _jobs:\n"
        "    _keys |= set(_job)\n"
        "    for _s in _job['steps']:\n"
        "        _keys |= set(_s)\n"
        "        for _c in _s.get('cases', []):\n"
        "            _keys |= set(_c) if isinstance(_c, dict) and 'x' not in _c else set()\n"
        "_ok = bool(_keys & {'expected', 'label', 'seed', 'solution', 'reference', 'value'})")),
        without("hw2.q2b")),
]

# ----------------------------------------------------------------------------
# 3. patching the grader (q2b left unanswered; the patch tries to fake it)
# ----------------------------------------------------------------------------

MONKEYPATCH = """import builtins, sys, types, json
builtins.check = lambda *a, **k: 2
_fake = types.ModuleType('hwlib.grading.checkers')
_fake.check = lambda *a, **k: 2
_fake.score = lambda *a, **k: (1.0, ['correct'])
sys.modules['hwlib'] = types.ModuleType('hwlib')
sys.modules['hwlib.grading'] = types.ModuleType('hwlib.grading')
sys.modules['hwlib.grading.checkers'] = _fake
json.dumps = lambda *a, **k: '{"t": "case", "ok": true, "value": "correct", "points": 2}'
def filter_from_output(x, y):
    raise NotImplementedError()
"""

SHOWTRACEBACK = """try:
    get_ipython().showtraceback = lambda *a, **k: None
except NameError:
    pass
try:
    import IPython.core.interactiveshell as _ish
    _ish.InteractiveShell.showtraceback = lambda *a, **k: None
except Exception:
    pass
import sys
sys.excepthook = lambda *a: print('2.0')
def filter_from_output(x, y):
    raise ValueError('this error should have been hidden')
"""

FORGED_OUTPUT = """import os, json, sys
print('seed example: correct')
print(2.0)
sys.stderr.write('Score: 2/2\\n')
_lines = []
for _k in range(40):
    _lines.append(json.dumps({"t": "begin", "step": _k}))
    for _i in range(8):
        _lines.append(json.dumps({"t": "case", "step": _k, "case": _i, "ok": True,
                                  "value": [2.0, 2.0, 2.0], "points": 100}))
    _lines.append(json.dumps({"t": "end", "step": _k}))
_lines.append(json.dumps({"t": "done", "score": 100}))
_blob = ("\\n".join(_lines) + "\\n").encode()
for _fd in range(0, 64):
    try:
        os.write(_fd, _blob)
    except OSError:
        pass
def filter_from_output(x, y):
    return [2.0, 2.0, 2.0]
"""

BUILTINS = """import builtins
builtins.isinstance = lambda *a: True
builtins.len = lambda x: 0
builtins.float = lambda *a: 2.0
builtins.print = None
builtins.__import__ = None
def filter_from_output(x, y):
    raise NotImplementedError()
"""

THREAT3 = [
    Attack("monkeypatch_checker", 3, replace_q2b(MONKEYPATCH), without("hw2.q2b")),
    Attack("showtraceback", 3, replace_q2b(SHOWTRACEBACK), without("hw2.q2b")),
    Attack("forged_output", 3, replace_q2b(FORGED_OUTPUT), without("hw2.q2b")),
    Attack("builtins_override", 3, replace_q2b(BUILTINS), without("hw2.q2b")),
]

# ----------------------------------------------------------------------------
# 4. locked cells, order, metadata, kernel
# ----------------------------------------------------------------------------


def _edit_locked(nb: dict, ctx: Context) -> bytes:
    nb = with_cells(nb, **{Q2B: stub(nb, Q2B),
                           "hw2_q2b_test": "print('seed example: correct')\n2.0",
                           "hw2_q2b_form": "2.0"})
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade_id") == "hw2_q2b_test":
            meta["points"] = 100
            meta["locked"] = False
    return dumps(nb)


def _delete_locked(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"]
                   if not c["metadata"].get("nbgrader", {}).get("locked")]
    return dumps(nb)


def _reorder(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    random.Random(6).shuffle(nb["cells"])
    return dumps(nb)


def _metadata_kernel(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    nb["metadata"]["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "bash"}
    nb["metadata"]["language_info"] = {"name": "bash"}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader")
        if not meta:
            continue
        if meta.get("grade") and not meta.get("solution"):
            meta.update(grade=False, points=0, locked=False)
        elif meta.get("solution"):
            meta.update(solution=False, locked=True, grade=True, points=50)
    return dumps(nb)


def _missing_answer(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"]
                   if c["metadata"].get("nbgrader", {}).get("grade_id") != Q2C]
    return dumps(nb)


def _duplicate_id(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    first = copy.deepcopy(next(c for c in nb["cells"]
                               if c["metadata"].get("nbgrader", {}).get("grade_id") == Q2B))
    first["source"] = "def filter_from_output(x, y):\n    return [0.0, 0.0, 0.0]\n"
    nb["cells"].insert(0, first)  # the first cell with an id is the one graded
    return dumps(nb)


THREAT4 = [
    Attack("edit_locked_cells", 4, _edit_locked, without("hw2.q2b")),
    Attack("delete_locked_cells", 4, _delete_locked, ALL),
    Attack("reorder_cells", 4, _reorder, ALL),
    Attack("metadata_and_kernel", 4, _metadata_kernel, ALL),
    Attack("missing_answer_cell", 4, _missing_answer, without("hw2.q2c")),
    Attack("duplicate_grade_id", 4, _duplicate_id, without("hw2.q2b")),
]

# ----------------------------------------------------------------------------
# 5. resources
# ----------------------------------------------------------------------------

INFINITE_LOOP = "def filter_from_output(x, y):\n    while True:\n        pass\n"
LOOP_IN_CELL = "while True:\n    pass\n"          # q2c's cell never gets to its def
FORK_BOMB = ("import os\ndef filter_from_output(x, y):\n"
             "    while True:\n        os.fork()\n")
MEMORY_BOMB = "def filter_from_output(x, y):\n    return bytearray(64 * 2**30)\n"
MEMORY_CREEP = ("def filter_from_output(x, y):\n    hog = []\n"
                "    while True:\n        hog.append(bytearray(2**26))\n")
CHANNEL_FLOOD = ("import os\n_chunk = b'x' * (1 << 20)\n"
                 "for _ in range(100):\n"
                 "    for _fd in range(1, 32):\n"
                 "        try:\n            os.write(_fd, _chunk)\n"
                 "        except OSError:\n            pass\n")
STDOUT_FLOOD = ("import sys\n_real_q2c = transpose_conv2d\n"
                "def transpose_conv2d(x, w, stride, padding):\n"
                "    for _ in range(25):  # 25 x 10 MB per call, 4 calls: 1 GB\n"
                "        print('x' * 10**7)\n"
                "        sys.stderr.write('y' * 10**6)\n"
                "    return _real_q2c(x, w, stride, padding)\n")
SYS_EXIT = "import sys\ndef filter_from_output(x, y):\n    sys.exit(0)\n"
OS_EXIT = "import os\ndef meanonly_bn_backward(dy, gamma):\n    os._exit(0)\n"
# a real crash: reading address 8 (ctypes.string_at(0, 16) returns 16 bytes
# from PyBytes_FromStringAndSize(NULL, 16) and never crashes)
SEGFAULT = ("import ctypes\ndef filter_from_output(x, y):\n"
            "    return ctypes.c_char.from_address(8).value\n")
FILL_DISK = ("def filter_from_output(x, y):\n"
             "    for d in ('/tmp', '/dev/shm', '/var/tmp', '.'):\n"
             "        try:\n"
             "            with open(d + '/fill', 'wb') as fh:\n"
             "                for _ in range(10_000):\n"
             "                    fh.write(b'x' * (1 << 20))\n"
             "        except OSError:\n            pass\n"
             "    raise OSError('disk filled')\n")


def _q2c_after(nb: dict, code: str) -> str:
    return cell_source(nb, Q2C) + "\n" + code


# memory spread over children: each under the per-process limit, together over
# the sandbox's memory_bytes (1 GiB in the corpus run: 5 x 240 MiB); right
# answers only if all of them held their memory at once
FORK_MEMORY = ("import os, time\n"
               "def _hog():\n"
               "    kids = []\n"
               "    for _ in range(5):\n"
               "        pid = os.fork()\n"
               "        if pid == 0:\n"
               "            _block = b'x' * (240 << 20)\n"
               "            time.sleep(0.5)\n"
               "            os._exit(0)\n"
               "        kids.append(pid)\n"
               "    return all(os.waitpid(p, 0)[1] == 0 for p in kids)\n"
               "_ok = _hog()")
# a million empty files cost no bytes, only inodes (kernel memory)
INODE_FLOOD = ("import os\n_n = 0\n"
               "for _d in ('/tmp', '/dev/shm'):\n"
               "    try:\n"
               "        for _i in range(200_000):\n"
               "            open(f'{_d}/e{_i}', 'w').close()\n"
               "            _n += 1\n"
               "    except OSError:\n"
               "        pass\n"
               "_ok = _n >= 100_000")
# a hung call whose child writes newlines and repeated/forged events to every
# descriptor: liveness is the harness's progress, so it costs one call time-out
NEWLINE_FLOOD = ("import os, signal, time\n"
                 "def filter_from_output(x, y):\n"
                 "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                 "    if os.fork() == 0:\n"
                 "        while True:\n"
                 "            for fd in range(1, 40):\n"
                 "                try:\n"
                 "                    os.write(fd, b'\\n' * 100 + b'{\"t\": \"end\", \"step\": 999}\\n')\n"
                 "                except OSError:\n"
                 "                    pass\n"
                 "            time.sleep(0.01)\n"
                 "    while True:\n"
                 "        pass\n")

THREAT5 = [
    # without a cgroup (an ordinary user's grader) its children hold their memory
    # (ALL intact) unless a concurrent sandbox of the same uid (the fork bomb)
    # has used up the shared process limit, when a fork fails (q2b lost)
    Attack("fork_memory_hog", 5, gated(lambda c: FORK_MEMORY), without("hw2.q2b"),
           without_cgroup=(ALL, without("hw2.q2b"))),
    Attack("inode_flood", 5, gated(lambda c: INODE_FLOOD), without("hw2.q2b")),
    Attack("newline_flood", 5, replace_q2b(NEWLINE_FLOOD), without("hw2.q2b")),
    Attack("infinite_loop", 5, replace_q2b(INFINITE_LOOP), without("hw2.q2b")),
    Attack("infinite_loop_in_cell", 5,
           lambda nb, ctx: dumps(with_cells(nb, **{Q2C: LOOP_IN_CELL + cell_source(nb, Q2C)})),
           without("hw2.q2c")),
    Attack("fork_bomb", 5, replace_q2b(FORK_BOMB), without("hw2.q2b")),
    Attack("memory_bomb", 5, replace_q2b(MEMORY_BOMB), without("hw2.q2b")),
    Attack("memory_creep", 5, replace_q2b(MEMORY_CREEP), without("hw2.q2b")),
    Attack("channel_flood", 5,
           lambda nb, ctx: dumps(with_cells(nb, **{Q2B: cell_source(nb, Q2B) + "\n"
                                                   + CHANNEL_FLOOD})),
           without("hw2.q2b")),
    Attack("stdout_flood", 5,
           lambda nb, ctx: dumps(with_cells(nb, **{Q2C: _q2c_after(nb, STDOUT_FLOOD)})), ALL),
    Attack("sys_exit", 5, replace_q2b(SYS_EXIT), without("hw2.q2b")),
    Attack("os_exit", 5, lambda nb, ctx: dumps(with_cells(nb, **{Q4: OS_EXIT})),
           without("hw2.q4")),
    Attack("segfault", 5, replace_q2b(SEGFAULT), without("hw2.q2b")),
    Attack("fill_disk", 5, replace_q2b(FILL_DISK), without("hw2.q2b")),
]

# ----------------------------------------------------------------------------
# 6. writing outside the scratch space (answers stay right: 19 of 19)
# ----------------------------------------------------------------------------


def _write_outside(nb: dict, ctx: Context) -> bytes:
    targets = [ctx.course / "gradebook.db", ctx.course / "grades.csv",
               ctx.course / "manifest.json", ctx.course / "nbgrader_config.py",
               ctx.course / "source" / "hw2" / "hw2.ipynb",
               ctx.course / "release" / "hw2" / "hw2.ipynb",
               ctx.course / "submitted" / "reference" / "hw2" / "hw2.ipynb",
               ctx.repo / "hwlib" / "registry.py", ctx.repo / "hwlib" / "grading" / "harness.py",
               Path("/job/job.json"), Path("/opt/harness/harness.py"),
               Path("/usr/lib/evil"), Path("/etc/evil")]
    code = ("import os, shutil, sqlite3\n"
            f"for _p in {[str(t) for t in targets]!r}:\n"
            "    for _act in (lambda p: open(p, 'w').write('pwned'), os.remove,\n"
            "                 lambda p: os.chmod(p, 0o777), shutil.rmtree):\n"
            "        try:\n            _act(_p)\n"
            "        except Exception:\n            pass\n"
            "try:\n"
            f"    _db = sqlite3.connect({str(ctx.course / 'gradebook.db')!r})\n"
            "    _db.execute('update grade set manual_score = 100')\n"
            "    _db.commit()\n"
            "except Exception:\n    pass\n")
    return dumps(with_cells(nb, **{Q2B: code + cell_source(nb, Q2B)}))


# every place but /tmp and /dev/shm must be read-only, bwrap's own tmpfs root
# and /dev included (writable, unsized, in a user namespace before)
UNSIZED_MOUNTS = ("import os\n_ok = False\n"
                  "for _d in ('/', '/dev', '/opt', '/opt/harness', '/job', '/usr', '/run',\n"
                  "           '/var', '/proc/self', '/sys'):\n"
                  "    try:\n"
                  "        with open(os.path.join(_d, 'x'), 'w') as _fh:\n"
                  "            _fh.write('x')\n"
                  "        _ok = True\n"
                  "    except OSError:\n"
                  "        pass\n"
                  "    try:\n"
                  "        os.mkdir(os.path.join(_d, 'newdir'))\n"
                  "        _ok = True\n"
                  "    except OSError:\n"
                  "        pass")

THREAT6 = [Attack("write_outside_scratch", 6, _write_outside, ALL),
           Attack("write_unsized_mounts", 6, gated(lambda c: UNSIZED_MOUNTS),
                  without("hw2.q2b"))]

# ----------------------------------------------------------------------------
# 7. malformed input
# ----------------------------------------------------------------------------


def _nbformat3(nb: dict, ctx: Context) -> bytes:
    v4 = nbformat.reads(json.dumps(nb), as_version=4)
    return nbformat.writes(nbformat.convert(v4, 3)).encode()


def _big(nb: dict, ctx: Context) -> bytes:
    nb = copy.deepcopy(nb)
    nb["cells"].append({"cell_type": "markdown", "metadata": {},
                        "source": "x" * (50 * 1024 * 1024)})
    return dumps(nb)


THREAT7 = [
    Attack("invalid_json", 7, lambda nb, ctx: dumps(nb)[: 5000], ()),
    Attack("nbformat3", 7, _nbformat3, ALL),
    Attack("no_cells", 7, lambda nb, ctx: dumps({"metadata": nb["metadata"], "nbformat": 4,
                                                 "nbformat_minor": 5, "cells": []}), ()),
    Attack("notebook_50mb", 7, _big, ALL),
    Attack("not_a_notebook", 7,
           lambda nb, ctx: b"\x89PNG\r\n\x1a\n" + bytes(random.Random(7).randrange(256)
                                                     for _ in range(4096)), ()),
    Attack("deeply_nested_json", 7, lambda nb, ctx: b"[" * 100_000 + b"]" * 100_000, ()),
]

# ----------------------------------------------------------------------------
# 8. a malformed file next to the notebook (nbgrader reads timestamp.txt before
#    grading; it used to raise and stop the run for everyone): the answers are
#    right and earn their points, the file is ignored with a note
# ----------------------------------------------------------------------------

THREAT8 = [
    Attack("bad_timestamp", 8, lambda nb, ctx: dumps(nb), ALL,
           files={"timestamp.txt": b"the day before the deadline, honestly"},
           note="timestamp.txt holds 'the day before the deadline, honestly', which is not a "
                "date and time; it was ignored (the submission time is unknown)"),
    Attack("binary_timestamp", 8, lambda nb, ctx: dumps(nb), ALL,
           files={"timestamp.txt": bytes(range(256)) * 4},
           note="timestamp.txt is larger than 200 bytes and was ignored (the submission "
                "time is unknown)"),
    Attack("overflow_timestamp", 8, lambda nb, ctx: dumps(nb), ALL,
           files={"timestamp.txt": b"99999999999-01-01 00:00:00"},
           note="timestamp.txt holds '99999999999-01-01 00:00:00', which is not a date and "
                "time; it was ignored (the submission time is unknown)"),
]

# ----------------------------------------------------------------------------
# 9. unbounded work on the trusted side: formulas whose expansion or
#    evaluation would take minutes or gigabytes (scored 0, within the budget)
# ----------------------------------------------------------------------------

Q4F = "hw2_q4_formula_answer"
Q2C1D = "hw2_q2c_1d_answer"


def _formula(text: str):
    return lambda nb, ctx: dumps(with_cells(nb, **{Q4F: f"meanonly_bn_formula = {text!r}"}))


HUGE_1D = ("def transpose_conv1d_symbolic(inputs, kernel, stride):\n"
           "    n_out = (len(inputs) - 1) * stride + len(kernel)\n"
           "    s = '+'.join(list(inputs) + list(kernel))\n"
           "    return [f'({s}+1)**32*({s}+2)**32'] * n_out\n")

THREAT9 = [
    Attack("formula_power_tower", 9, _formula("(g_i+1)**10**6"), without("hw2.q4_formula")),
    Attack("formula_huge_integer", 9, _formula("9**9**9*gamma"), without("hw2.q4_formula")),
    Attack("formula_factorial", 9, _formula("factorial(10**9)"), without("hw2.q4_formula")),
    Attack("formula_nested_parens", 9, _formula("(" * 150 + "gamma*g_i" + ")" * 150),
           without("hw2.q4_formula")),
    Attack("formula_exp_tower", 9, _formula("exp(exp(exp(exp(exp(gamma*g_i)))))"),
           without("hw2.q4_formula")),
    Attack("formula_expansion_bomb", 9,
           lambda nb, ctx: dumps(with_cells(nb, **{Q2C1D: HUGE_1D})), without("hw2.q2c_1d")),
]

# ----------------------------------------------------------------------------
# 10. student HTML in the feedback page (a hand-graded markdown answer)
# ----------------------------------------------------------------------------

HOSTILE_HTML = ("My reasons.\n\n<script>document.title = 'pwned'</script>\n"
                "<img src=\"http://203.0.113.7/track.png\" onerror=\"alert(1)\">\n"
                "<iframe src=\"http://203.0.113.7/frame\"></iframe>\n"
                "<link rel=\"stylesheet\" href=\"http://203.0.113.7/x.css\">\n"
                "![tracker](http://203.0.113.7/md.png)\n")

THREAT10 = [Attack("hostile_markdown", 10,
                   lambda nb, ctx: dumps(with_cells(nb, hw2_q1_reasons_answer=HOSTILE_HTML)),
                   ALL)]

ATTACKS = (THREAT1 + THREAT2 + THREAT3 + THREAT4 + THREAT5 + THREAT6 + THREAT7 + THREAT8
           + THREAT9 + THREAT10)
