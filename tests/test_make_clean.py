"""Does `make clean` remove every file `make` and `make test` generate, and nothing else?

A temporary git repository holds the real Makefile and .gitignore, a few
tracked stand-ins, and one representative file per kind of generated output
(site, sample course, screenshots, caches, a release, the egg-info) and per
kind of file `make clean` must keep (the venv, the course secret, fetched data,
training runs, developer caches, the class's grading records, which `make`
never writes since the samples are graded in _build/sample-course/). The
oracle is `git status --ignored --porcelain` and the file system itself.
Every pattern of .gitignore must be exercised by one of these files, so a new
ignored output has to be classified here.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRACKED = ("hwlib/__init__.py", "assignments/manifest.json", "assignments/nbgrader_config.py",
           "book/intro.md", "tests/grading/test_x.py")
# What `make` (setup, assignments, problems, site, grade) and `make test` create.
GENERATED = (
    "_build/html/index.html", "_build/jupyter_execute/book/intro.ipynb",
    "_build/.doctrees/book/intro.doctree", "_build/screenshots/intro-desktop.png",
    "_build/sample-course/gradebook.db", "_build/sample-course/grades.csv",
    "_build/sample-course/feedback/alice/hw2/hw2.html", "_build/sample-course/.course-secret",
    "hwlib/__pycache__/cli.cpython-311.pyc", "tests/grading/__pycache__/t.cpython-311.pyc",
    "book/__pycache__/b.cpython-311.pyc", "hwlib/stray.pyc",
    "hwlib.egg-info/PKG-INFO", ".pytest_cache/README.md", ".hypothesis/examples/x",
    "book/.ipynb_checkpoints/intro-checkpoint.ipynb", "assignments/release/hw2/hw2.ipynb",
)
# What `make clean` must keep, and why.
SURVIVORS = {
    ".venv/bin/python": "the virtual environment",
    ".venv/lib/__pycache__/site.cpython-311.pyc": "inside the venv",
    "assignments/.course-secret": "the course secret",
    "data/eurosat/2750/River/River_1.jpg": "fetched data",
    "data/__pycache__/x.pyc": "inside fetched data",
    "runs/eurosat-bn/model.pt": "trained models (python -m hwlib train)",
    ".cache/hwlib/eurosat.pt": "a developer's cache",
    ".whl/torch.whl": "a developer's wheels",
    ".devdata/x.bin": "a developer's data",
    "assignments/gradebook.db": "the class's gradebook",
    "assignments/grades.csv": "the class's grades",
    "assignments/grades-canvas.csv": "the class's LMS export",
    "assignments/submitted/alice/hw2/hw2.ipynb": "the class's submissions",
    "assignments/autograded/alice/hw2/hw2.ipynb": "the class's graded notebooks",
    "assignments/feedback/alice/hw2/hw2.html": "the class's feedback",
    "assignments/.grading/hw2/alice.json": "the class's done-markers",
}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          cwd=repo, check=True, capture_output=True, text=True,
                          timeout=60).stdout


def _status(repo: Path) -> list[str]:
    return _git(repo, "status", "--ignored", "--porcelain", "--untracked-files=normal").splitlines()


@pytest.fixture
def repo(tmp_path):
    if not (shutil.which("make") and shutil.which("git")):
        pytest.fail("make and git are needed (Debian's make and git)")
    for name in ("Makefile", ".gitignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    for rel in TRACKED:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("tracked\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "tracked")
    for rel in (*GENERATED, *SURVIVORS):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("made\n")
    return tmp_path


def test_every_generated_and_kept_file_is_ignored(repo):
    """Before cleaning: is each representative file ignored by .gitignore (nothing
    shows as untracked), and is every .gitignore pattern exercised by one of them?"""
    assert [line for line in _status(repo) if line.startswith("??")] == []
    matched = set()
    for rel in (*GENERATED, *SURVIVORS):
        out = _git(repo, "check-ignore", "-v", "--no-index", rel)
        matched.add(out.split("\t")[0].split(":", 2)[2])
    patterns = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert patterns - matched == set(), "patterns without a representative file here"


def test_make_clean_removes_generated_and_keeps_the_rest(repo):
    """After `make clean`: is every generated file gone, every kept file and every
    tracked file intact, and does git list only the kept files as ignored?"""
    done = subprocess.run(["make", "-s", "clean"], cwd=repo, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert [rel for rel in GENERATED if (repo / rel).exists()] == []
    assert [rel for rel in SURVIVORS if not (repo / rel).is_file()] == []
    assert [rel for rel in TRACKED if (repo / rel).read_text() != "tracked\n"] == []
    status = _status(repo)
    assert all(line.startswith("!! ") for line in status), status
    entries = [line[3:] for line in status]
    # each entry git reports is (a folder of) a kept file, and each kept file is reported
    assert [e for e in entries if not any(s == e or s.startswith(e.rstrip("/") + "/")
                                          for s in SURVIVORS)] == []
    assert [s for s in SURVIVORS if not any(s == e or s.startswith(e.rstrip("/") + "/")
                                            for e in entries)] == []
