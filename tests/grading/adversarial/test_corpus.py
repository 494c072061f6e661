"""The adversarial corpus, graded in ONE parallel sandboxed run of hw2.

Each hostile submission (corpus.py) must earn exactly the points of the real
answers it leaves intact, computed by hand from the manifest's points, and
harm nothing: the course's trusted files, the instructor's tables in the
gradebook, the other submissions and the repository are byte-identical
before and after, and no sandboxed process outlives the run.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from grading_helpers import REPO, feedback_leaks
from corpus import ALL, ATTACKS, Context
from hwlib.course import use_sample_settings
from hwlib.grading import engine, sandbox
from hwlib.grading.feedback_page import mathjax_script
from hwlib.grading.gradebook import Recorder

ATOL = 1e-9
LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=8.0, wall_timeout=120.0,
                        memory_bytes=1024 ** 3, max_output_bytes=8 * 1024 ** 2,
                        tmpfs_bytes=16 * 1024 ** 2)
SAMPLES = REPO / "assignments" / "samples" / "hw2"
# files the grader itself writes; everything else in the course must not change
GRADER_OUTPUTS = {"submitted", "autograded", "feedback", "gradebook.db", "grades.csv",
                  engine.STATE_DIR}
INSTRUCTOR_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells",
                     "source_cell", "task_cells", "course", "alembic_version")


def tree_digest(root: Path, skip_top: set[str] = frozenset()) -> dict[str, str]:
    """sha256 of every file under root (relative path -> digest)."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip_top or "__pycache__" in rel.parts or not path.is_file():
            continue
        found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def instructor_tables(db: Path) -> dict[str, list]:
    """Rows of the gradebook tables that describe the assignment (not grades)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall()))
                for t in INSTRUCTOR_TABLES if t in names}
    finally:
        con.close()


def sandbox_processes() -> list[int]:
    """PIDs still alive under the sandbox uids of a run written by this process
    (base_uid + 64 * (pid mod 10000) + slot, see sandbox.Limits)."""
    first = LIMITS.base_uid + 64 * (os.getpid() % 10000)
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if first <= entry.stat().st_uid < first + 64:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """Grade the reference, the untouched release and every attack in one run."""
    root = tmp_path_factory.mktemp("adversarial")
    course = root / "course"
    course.mkdir()
    for name in ("manifest.json", "nbgrader_config.py"):
        shutil.copy(REPO / "assignments" / name, course / name)
    shutil.copytree(REPO / "assignments" / "source" / "hw2", course / "source" / "hw2")
    use_sample_settings(course)   # the attacks are built from the default-numbers reference
    Recorder(course).generate_release("hw2")

    subs = root / "subs"
    reference = json.loads((SAMPLES / "reference" / "hw2.ipynb").read_text())
    ctx = Context(course=course, repo=REPO)
    for student in ("reference", "untouched"):
        (subs / student).mkdir(parents=True)
        shutil.copy(SAMPLES / student / "hw2.ipynb", subs / student / "hw2.ipynb")
    for attack in ATTACKS:
        (subs / attack.name).mkdir(parents=True)
        (subs / attack.name / "hw2.ipynb").write_bytes(attack.build(reference, ctx))
        for name, data in attack.files.items():
            (subs / attack.name / name).write_bytes(data)

    before = {"course": tree_digest(course, GRADER_OUTPUTS),
              "repo": tree_digest(REPO / "hwlib"), "subs": tree_digest(subs),
              "tables": instructor_tables(course / "gradebook.db")}
    os.environ["HWLIB_CORPUS_SECRET"] = "instructor-token-123"   # the proc_environ attack
    try:
        report = engine.grade(course, "hw2", subs, jobs=2, limits=LIMITS)
    finally:
        del os.environ["HWLIB_CORPUS_SECRET"]
    after = {"course": tree_digest(course, GRADER_OUTPUTS),
             "repo": tree_digest(REPO / "hwlib"), "subs": tree_digest(subs),
             "tables": instructor_tables(course / "gradebook.db")}
    points = {p["id"]: p["points"] for p in
              json.loads((course / "manifest.json").read_text())["assignments"]["hw2"]["problems"]}
    return course, subs, report, before, after, points


def test_corpus_covers_every_threat():
    """Is there at least one hostile submission per threat of docs/grading.md (1-10)?"""
    assert {a.threat for a in ATTACKS} == set(range(1, 11))


def test_controls(corpus_run):
    """Do the reference and the untouched release get full and zero marks?"""
    _, _, report, _, _, points = corpus_run
    assert report.total["reference"] == pytest.approx(sum(points[p] for p in ALL), abs=ATOL)
    assert report.total["untouched"] == 0


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_earns_exactly_its_real_answers(corpus_run, attack):
    """Does the hostile submission get the points of its intact answers and
    nothing for the problem it attacked?"""
    _, _, report, _, _, points = corpus_run
    got = report.scores[attack.name]
    outcomes = attack.expected(sandbox.containment(LIMITS))
    full = tuple(p for p in ALL if got[p] == pytest.approx(points[p], abs=ATOL))
    intact = full if full in outcomes else outcomes[0]
    for pid in ALL:
        want = points[pid] if pid in intact else 0
        assert got[pid] == pytest.approx(want, abs=ATOL), (pid, report.messages[attack.name])
    assert report.total[attack.name] == pytest.approx(
        sum(points[p] for p in intact), abs=ATOL)
    assert attack.name not in report.faults


def test_course_files_unchanged(corpus_run):
    """Are source, release, manifest and config byte-identical after the run?"""
    _, _, _, before, after, _ = corpus_run
    assert after["course"] == before["course"]
    assert any(k.startswith("release") for k in before["course"])


def test_repository_unchanged(corpus_run):
    """Is the hwlib package (the reference) byte-identical after the run?"""
    _, _, _, before, after, _ = corpus_run
    assert after["repo"] == before["repo"]


def test_submissions_unchanged(corpus_run):
    """Are the handed-in files, and their copies in submitted/, untouched?"""
    course, subs, _, before, after, _ = corpus_run
    assert after["subs"] == before["subs"]
    copied = tree_digest(course / "submitted")
    for rel, digest in before["subs"].items():
        student, name = Path(rel).parts
        assert copied[f"{student}/hw2/{name}"] == digest


def test_gradebook_instructor_tables_unchanged(corpus_run):
    """Are the gradebook's assignment, cell and source tables unchanged?"""
    _, _, _, before, after, _ = corpus_run
    assert after["tables"] == before["tables"]
    assert before["tables"]["source_cell"] and before["tables"]["grade_cells"]


def test_no_manual_scores_were_injected(corpus_run):
    """Is no grade in the gradebook carrying a manual score (the sqlite
    attack tried to set them all to 100)?"""
    course, _, _, _, _, _ = corpus_run
    con = sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True)
    try:
        assert con.execute("select count(*) from grade where manual_score is not null"
                           ).fetchone() == (0,)
    finally:
        con.close()


def test_feedback_never_leaks(corpus_run):
    """Does every feedback page hide the hidden tests and tracebacks?"""
    course, _, report, _, _, _ = corpus_run
    for student in report.scores:
        html = (course / "feedback" / student / "hw2" / "hw2.html").read_text()
        assert feedback_leaks(html) == [], student


def test_feedback_names_the_time_out(corpus_run):
    """Does the infinite loop's feedback say it ran out of time?"""
    course, _, report, _, _, _ = corpus_run
    assert any("time" in line.lower() for line in report.messages["infinite_loop"]["hw2.q2b"])
    html = (course / "feedback" / "infinite_loop" / "hw2" / "hw2.html").read_text()
    assert "TimeoutError" in html


def test_no_sandboxed_process_survives(corpus_run):
    """After the run (fork bomb included), is no sandbox-uid process alive?"""
    assert sandbox_processes() == []


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.note],
                         ids=[a.name for a in ATTACKS if a.note])
def test_bad_file_is_noted_in_feedback_and_summary(corpus_run, attack):
    """Does a submission with a malformed file next to its notebook carry a note
    naming the file, in its messages, its feedback page and the run summary?"""
    course, _, report, _, _, _ = corpus_run
    assert report.notes[attack.name] == [attack.note]
    assert report.messages[attack.name]["hw2.q2b"][0] == attack.note
    assert f"  {attack.name}: {attack.note}" in report.table()
    html = (course / "feedback" / attack.name / "hw2" / "hw2.html").read_text()
    assert "timestamp.txt" in html


def test_no_grader_faults(corpus_run):
    """Did no submission of the corpus cause a grader fault?"""
    assert corpus_run[2].faults == {}


def test_segfault_really_crashes(corpus_run):
    """Does the segfault case crash (signal 11), as its name claims?"""
    lines = corpus_run[2].messages["segfault"]["hw2.q2b"]
    assert any("killed by signal 11 (SIGSEGV)" in line for line in lines), lines


def test_newline_flood_costs_one_call_time_out(corpus_run):
    """Is the hung call of the newline flood reported as its own time-out, not
    as the submission's total time running out?"""
    lines = corpus_run[2].messages["newline_flood"]["hw2.q2b"]
    assert any("TimeoutError: time limit exceeded" in line for line in lines), lines
    assert not any("total time" in line for line in lines)


def test_hostile_markdown_is_sanitised(corpus_run):
    """Is the hostile markdown answer's script, iframe, style sheet and tracking
    images gone from its feedback page (no element refers to the attacker's
    address; the URL may survive only as visible text), and its text still there?"""
    course = corpus_run[0]
    html = (course / "feedback" / "hostile_markdown" / "hw2" / "hw2.html").read_text()
    # the page's own MathJax (the one script its Content-Security-Policy lets run) is
    # the grader's, not the student's: it is set aside before looking for the attack
    trusted = mathjax_script()
    if trusted is not None:
        assert html.count(f"<script>{trusted}</script>") == 1
        html = html.replace(f"<script>{trusted}</script>", "")
    assert "<script" not in html
    assert "My reasons." in html
    for bad in ("document.title = 'pwned'", "<iframe", "onerror", 'src="http://203.0.113.7',
                'href="http://203.0.113.7/x.css', "<link rel=\"stylesheet\" href=\"http://203"):
        assert bad not in html, bad
