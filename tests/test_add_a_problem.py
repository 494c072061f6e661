"""docs/add-a-problem.md, followed step by step on a toy problem in a temporary copy.

New folder hwlib/problems/vector_norm/ -> a line in assignments/homeworks/hw4.yaml
-> the three commands of `make assignments` -> the folder's tests -> grade hw4's
bundled samples, among them a right answer (the reference sample) and the known
wrong one the folder declares (the L1 norm), and check each score and phrase.
Everything runs in subprocesses whose hwlib is the copy's.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLUG, ID, POINTS = "vector_norm", "hw4.vector_norm", 2

FILES = {
    "problem.yaml": f"""\
        slug: {SLUG}
        id: {ID}
        title: "Euclidean length of a vector"
        kind: function
        answer: vector_norm
        topic: "the length of a vector"
        """,
    "__init__.py": '"""Problem folder vector_norm."""\n',
    "reference.py": """\
        import numpy as np

        DEFAULTS = {"v": [3, 4]}


        def sample(rng):
            n = int(rng.integers(2, 6))
            return {"v": (rng.integers(1, 10, n) * rng.choice([-1, 1], n)).tolist()}


        def solve(v):
            return float(np.linalg.norm(v))
        """,
    "statement.md": """\
        ## Question {{ number }}: the length of a vector

        **{{ label }} (autograded, {{ points_text }}).** Write `vector_norm(v)` returning the
        Euclidean length of the vector `v`; for `v = {{ v }}` it is {{ answer.value|num }}.
        """,
    "solution.py": """\
        import numpy as np

        def vector_norm(v):
            \"\"\"Euclidean length of v.\"\"\"
            ### BEGIN SOLUTION
            return float(np.sqrt(np.sum(np.square(v))))
            ### END SOLUTION
        """,
    "form.py": """\
        _n = vector_norm({{ v }})
        assert isinstance(_n, float), "a number"
        print("form ok")
        """,
    "check.py": """\
        from hwlib.grading.compare import Mismatch, _close, _cmp_array

        compare = _cmp_array


        def diagnose(sol, got, args):
            try:
                if _close(sum(abs(x) for x in args["v"]), got) is None:
                    return "this is the sum of absolute values (the L1 norm)"
            except Mismatch:
                pass
            return None
        """,
    "mistakes.py": """\
        MISTAKES = [
            {"name": "l1_norm", "score": 0, "phrase": "sum of absolute values",
             "sample": "norm_l1", "why": "Every drawn vector has two nonzero entries or more.",
             "code": "def vector_norm(v):\\n    return float(sum(abs(x) for x in v))\\n"},
        ]
        """,
    "test_problem.py": f"""\
        from hwlib.problems.testing import grade_cell, solution_cell


        def test_solution_passes_every_check():
            assert grade_cell("{ID}", solution_cell("{ID}"))[0] == 1.0
        """,
}

GRADE = """
import json, sys
from hwlib.grading import engine
report = engine.grade(sys.argv[1], "hw4", jobs=2)
print(json.dumps({"scores": report.scores, "messages": report.messages}))
"""


def _run(args, cwd, **kw):
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of what the walkthrough touches: hwlib, assignments, the book's sources, tests."""
    root = tmp_path_factory.mktemp("walkthrough")
    ignore = shutil.ignore_patterns("__pycache__", "release", "submitted", "autograded",
                                    "feedback", ".grading", "gradebook.db", "grades.csv")
    for name in ("hwlib", "assignments", "tests"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    (root / "book").mkdir()
    shutil.copytree(ROOT / "book" / "src", root / "book" / "src")
    shutil.copy(ROOT / "book" / "build_pages.py", root / "book" / "build_pages.py")
    return root


@pytest.fixture(scope="module")
def walked(repo):
    # 1-3. the new folder and its files
    folder = repo / "hwlib" / "problems" / SLUG
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(textwrap.dedent(text))
    # 4. one line in the homework file
    hw4 = repo / "assignments" / "homeworks" / "hw4.yaml"
    hw4.write_text(hw4.read_text() + f'  - {{slug: {SLUG}, label: "5", points: {POINTS}}}\n')
    # 5. make assignments
    for script in ("assignments/build_notebooks.py", "assignments/build_samples.py",
                   "book/build_pages.py"):
        _run([script], repo)
    # 6. the folder's tests and the staleness tests
    _run(["-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
          "tests/test_problems.py", "-k", SLUG, "tests/test_generated.py"], repo)
    # 7. grade (the bundled samples: right, untouched, and the folder's known mistake)
    return json.loads(_run(["-c", GRADE, str(repo / "assignments")], repo).splitlines()[-1])


def test_the_problem_is_in_the_notebook_manifest_and_site(repo, walked):
    """Is the new problem in hw4's notebook (statement filled in), the manifest and the table?"""
    manifest = json.loads((repo / "assignments" / "manifest.json").read_text())
    entry = manifest["assignments"]["hw4"]["problems"][-1]
    assert (entry["id"], entry["label"], entry["points"]) == (ID, "5", POINTS)
    notebook = (repo / "assignments" / "source" / "hw4" / "hw4.ipynb").read_text()
    assert "## Question 5: the length of a vector" in notebook
    assert "for `v = [3, 4]` it is 5." in notebook
    assert "| 5 | the length of a vector (autograded, 2 points) |" in (
        repo / "book" / "src" / "hw4.md").read_text()


def test_a_right_answer_gets_the_points(walked):
    """Does the reference sample (the folder's solution) earn the points?"""
    assert walked["scores"]["reference"][ID] == POINTS


def test_the_known_wrong_answer_gets_its_score_and_phrase(walked):
    """Does the L1-norm answer score 0 and say why, without touching the other problems?"""
    assert walked["scores"]["norm_l1"][ID] == 0
    assert "sum of absolute values" in "\n".join(walked["messages"]["norm_l1"][ID])
    assert walked["scores"]["norm_l1"]["hw4.q2"] == walked["scores"]["reference"]["hw4.q2"]


def test_the_problem_answers_to_its_label_on_the_command_line(repo, walked):
    """Does `python -m hwlib solve hw4.5` print the new problem's answer?"""
    assert json.loads(_run(["-m", "hwlib", "solve", "hw4.5", "--json"], repo)) == 5.0
