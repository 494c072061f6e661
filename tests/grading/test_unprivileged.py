"""The grader as an ordinary user (how a JupyterHub grader account runs it).

When the suite runs as root (as in CI), this test creates a throwaway system
user and runs the sandbox suite and the whole adversarial corpus (a full
parallel grading of hw2 with every hostile submission, exact scores, nothing
outside scratch changed) AS THAT USER: bubblewrap then works through an
unprivileged user namespace, no cgroup can be created (the documented
rlimit fallback), and the sandbox must still hide the grader's environment
(``/proc/1/environ`` of bwrap) and offer no unsized writable mount. Both are
asserted by tests inside those files (``test_grader_environment_not_readable_through_proc``,
``test_every_writable_mount_is_sized``, the ``proc_environ`` and
``write_unsized_mounts`` corpus cases), here with a secret in the user's
environment.

The venv's interpreter may live under a directory other users cannot enter
(/root here); the run happens in a private mount namespace in which only
that interpreter's installation is made visible at the same path.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
USER = "hwlib-grader-ci"
SUITES = ["tests/grading/test_sandbox.py", "tests/grading/adversarial/test_corpus.py",
          # the one test that needs a cgroup, which an ordinary user cannot create here
          "--deselect",
          "tests/grading/test_sandbox.py::test_stale_cgroups_of_a_killed_grader_are_removed"]
TOOLS = ("useradd", "userdel", "unshare", "setpriv", "mount", "bwrap")

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason=(
        "not running as root: this whole suite already runs as an unprivileged user, "
        "so the sandbox and corpus tests cover that mode directly")),
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                       reason=f"needs {', '.join(TOOLS)}"),
]


@pytest.fixture(scope="module")
def user():
    created = False
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", USER], check=True)
        created = True
    try:
        yield pwd.getpwnam(USER)
    finally:
        if created:
            subprocess.run(["userdel", USER], check=False)


def _hidden_ancestor(path: Path) -> Path | None:
    """The highest ancestor of ``path`` that other users cannot traverse."""
    for parent in reversed(path.parents):
        if parent != Path("/") and not os.stat(parent).st_mode & 0o001:
            return parent
    return None


def _as_user_script(entry: pwd.struct_passwd, home: Path, junit: Path) -> str:
    prefix = Path(sys.base_prefix).resolve()
    hidden = _hidden_ancestor(prefix)
    lines = ["set -e"]
    if hidden is not None:
        stash = home / "python-prefix"
        lines += [f"mkdir -p {stash}", f"mount --bind {prefix} {stash}",
                  f"mount -t tmpfs -o mode=0755 tmpfs {hidden}",
                  f"mkdir -p {prefix}", f"mount --bind {stash} {prefix}"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1",
           "HWLIB_UNPRIVILEGED_SECRET": "grader-token-456", "TMPDIR": str(home / "tmp")}
    python = REPO / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    cmd = (f"exec setpriv --reuid={entry.pw_uid} --regid={entry.pw_gid} --init-groups "
           "env -i " + " ".join(f"{k}={v}" for k, v in env.items())
           + f" {python} -m pytest -q -p no:xdist -p no:cacheprovider"
           f" --basetemp={home / 'pytest'} --junitxml={junit} " + " ".join(SUITES))
    return "\n".join(lines + [cmd])


def test_sandbox_and_corpus_pass_as_an_unprivileged_user(user):
    """Do the sandbox suite and the adversarial corpus pass, every test, when
    the grader runs as an ordinary user?"""
    # pytest's own tmp_path lives in root's private /tmp/pytest-of-root
    home = Path(tempfile.mkdtemp(prefix="hwlib-unprivileged-"))
    try:
        home.chmod(0o755)
        (home / "tmp").mkdir()
        junit = home / "junit.xml"
        for path in (home, home / "tmp"):
            os.chown(path, user.pw_uid, user.pw_gid)
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               _as_user_script(user, home, junit)],
                              cwd=REPO, capture_output=True, text=True, timeout=1500)
        assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
        suite = ET.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        counts = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= 80
