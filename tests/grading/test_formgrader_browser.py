"""formgrader in a real browser: can staff grade a written answer by hand, and is
formgrader's unsandboxed Autograde refused?

The toy course (tests/grading/fixtures/toy) is graded by the engine (alice:
every autograded answer right, 2 + 1 + 3 points; the written answer toy.w1,
1 point, waits for a human). A Jupyter server with nbgrader's formgrader and
hwlib.grading.formgrader runs on that course; headless Chromium (Debian's
chromium, DevTools over a pipe) opens alice's manual-grading page, types a
score and a comment for toy.w1, leaves each field (formgrader saves on
change), clicks "Generate Feedback" on the Manage Submissions page, and then
`python -m hwlib export canvas` writes the LMS sheet. Oracles: the numbers typed
(0.5 and the comment), the hand-computed total 6.5, nbgrader's gradebook.
"""
from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from formgrader_helpers import REPO, Chromium, Formgrader, TOKEN
from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, sandbox

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
SCORE = 0.5
COMMENT = "Right idea, but the variance term is missing a factor 1/n (hand-graded)."
COMMAND = "python -m hwlib grade toy --collected"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The toy course with alice's submission graded by the engine."""
    root = tmp_path_factory.mktemp("formgrader")
    course = new_toy_course(root)
    write_submission(root / "subs", "alice", toy_notebook())
    report = engine.grade(course, "toy", root / "subs", jobs=1, checkers="toy_checkers",
                          limits=LIMITS)
    assert report.scores["alice"] == {"toy.q1": 2, "toy.q2": 1, "toy.q3": 3, "toy.w1": None}
    return course


@pytest.fixture(scope="module")
def server(course, tmp_path_factory):
    fg = Formgrader(course, tmp_path_factory.mktemp("server") / "server.log")
    yield fg
    fg.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Chromium(tmp_path_factory.mktemp("profile"),
                        headers={"Authorization": f"token {TOKEN}"})
    yield chromium
    chromium.close()


def _grade(course: Path, name: str):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        g = gb.find_grade(name, "toy", "toy", "alice")
        return g.auto_score, g.manual_score, g.needs_manual_grade


def test_autograde_api_is_refused_naming_the_sandboxed_command(server, course):
    """Does a direct POST to formgrader's autograde API refuse, naming
    `python -m hwlib grade toy --collected`, and leave the graded notebook and
    the gradebook as the engine wrote them?"""
    graded = course / "autograded" / "alice" / "toy" / "toy.ipynb"
    before = graded.read_bytes(), _grade(course, "q3-tests")
    status, body = server.request("POST", "/formgrader/api/submission/toy/alice/autograde")
    answer = json.loads(body)
    assert status == 200 and answer["success"] is False
    assert COMMAND in answer["error"] and "unsandboxed" in answer["error"]
    assert (graded.read_bytes(), _grade(course, "q3-tests")) == before
    assert before[1] == (3.0, None, False)


def test_manage_submissions_offers_no_autograde_button(server, browser):
    """Does the Manage Submissions page show the note naming the sandboxed command,
    with alice's row rendered but its Autograde link hidden, while her Generate
    Feedback link stays visible?"""
    browser.open(f"{server.url}/formgrader/manage_submissions/toy")
    browser.wait_js("document.querySelectorAll('td.generate-feedback a').length === 1")
    note = browser.js("document.getElementById('hwlib-autograde-note').innerText")
    assert COMMAND in note
    shown = browser.js("""Array.from(document.querySelectorAll('td.autograde a, td.generate-feedback a'))
        .map(a => [a.parentElement.className, a.getClientRects().length > 0])""")
    assert sorted(shown) == [["text-center autograde", False],
                             ["text-center generate-feedback", True]]


def test_manual_grade_reaches_feedback_and_lms_export(server, browser, course, tmp_path):
    """Typed into formgrader in the browser, do the score and comment of the written
    answer land in the gradebook, in the feedback formgrader generates, and (the
    score) in the Canvas export's homework total and toy.w1 column?"""
    feedback = course / "feedback" / "alice" / "toy" / "toy.html"
    assert COMMENT not in feedback.read_text()          # control: the engine's feedback
    assert _grade(course, "w1-answer") == (None, None, True)
    notebooks = json.loads(server.get("/formgrader/api/submitted_notebooks/toy/toy"))
    (submission,) = [nb["id"] for nb in notebooks if nb["student"] == "alice"]
    browser.open(f"{server.url}/formgrader/submissions/{submission}/?index=0")
    browser.wait_js("window.formgrader && formgrader.grades && formgrader.grades.loaded"
                    " && formgrader.comments.loaded")
    browser.type_into("#w1-answer", str(SCORE))
    browser.type_into("#w1-answer-comment", COMMENT)
    grades = f"/formgrader/api/grades?submission_id={submission}"
    comments = f"/formgrader/api/comments?submission_id={submission}"
    browser.wait_js(f"fetch({json.dumps(grades)}).then(r => r.json()).then(gs =>"
                    f" gs.some(g => g.name === 'w1-answer' && g.manual_score === {SCORE}))")
    browser.wait_js(f"fetch({json.dumps(comments)}).then(r => r.json()).then(cs =>"
                    f" cs.some(c => c.name === 'w1-answer' && c.manual_comment === {json.dumps(COMMENT)}))")
    assert _grade(course, "w1-answer") == (None, SCORE, False)

    browser.open(f"{server.url}/formgrader/manage_submissions/toy")
    browser.wait_js("document.querySelectorAll('td.generate-feedback a').length === 1")
    browser.js("document.querySelector('td.generate-feedback a').click()")
    message = browser.wait_js("(document.querySelector('.modal.in, .modal.show, #success-modal, "
                              "#error-modal') || {}).innerText", timeout=120)
    assert "Successfully generated feedback" in message, message
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", feedback.read_text())))
    # the written answer's cell: its heading, the typed score out of its 1 point, the comment
    assert re.search(r"W1 \(1 point, graded by hand\).{0,400}?Score: 0\.5 / 1(\.0)? .{0,400}?"
                     r"Comments: " + re.escape(COMMENT), text), text[-2000:]
    total = re.findall(r"Score: ([\d.]+) / ([\d.]+)", text)[0]   # the page's total
    assert tuple(float(v) for v in total) == (6.5, 7.0)

    out = tmp_path / "canvas.csv"
    done = subprocess.run([sys.executable, "-m", "hwlib", "export", "canvas", "--course",
                           str(course), "--to", str(out), "--per-problem"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.open(newline="")))
    header = rows[0]
    alice = dict(zip(header, next(r for r in rows if r[0] == "alice")))
    possible = dict(zip(header, rows[1]))
    assert (float(alice["toy"]), float(possible["toy"])) == (2 + 1 + 3 + SCORE, 7.0)
    assert (float(alice["toy toy.w1"]), float(possible["toy toy.w1"])) == (SCORE, 1.0)
    assert "manual grades pending" not in done.stderr
