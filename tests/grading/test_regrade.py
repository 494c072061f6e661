"""Can one student, or one problem, be regraded alone, and is each grade recorded with
what it was computed from (so that it can be reproduced and checked)?

On the toy course (fixtures/toy, checkers fixtures/toy_checkers.py): expected
points are worked out by hand from the toy checkers (q1 2 points over 3
cases, q2 1 point, q3 3 points over 3 cases); the recorded hashes are
recomputed here from the toy checkers, NumPy and hashlib directly.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pytest
from nbgrader.api import Gradebook

import toy_checkers
from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import cli, engine, records, sandbox
from hwlib.grading.design import case_seed

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
SEED = 1234
SECRET = f"run-seed:{SEED}".encode()   # what seed= stands in for (engine.course_settings)
WRONG_Q3 = {"q3-answer": "def scale(x, factor):\n    return [factor * v + 1 for v in x]"}
WRONG_Q1 = {"q1-answer": "def add_vectors(a, b):\n    return [11, 22, 33]"}   # 1 case of 3


def _grade(course, subs, **kw):
    return engine.grade(course, "toy", subs, jobs=2, seed=SEED, checkers="toy_checkers",
                        limits=LIMITS, **kw)


def _cases_hash(student: str, pid: str) -> str:
    rng = np.random.default_rng(case_seed(SECRET, student, pid, 1))
    text = json.dumps(list(toy_checkers.cases(pid, rng)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """alice and bob graded once, both right everywhere."""
    root = tmp_path_factory.mktemp("regrade")
    course = new_toy_course(root)
    subs = root / "subs"
    for student in ("alice", "bob"):
        write_submission(subs, student, toy_notebook())
    report = _grade(course, subs)
    assert report.total == {"alice": 6, "bob": 6}
    return course, subs


def test_record_holds_version_secret_fingerprint_and_case_hashes(course):
    """Does the gradebook hold, per graded problem, the grading version, the secret's
    fingerprint (not the secret), the case seed's digest and the cases' SHA-256?"""
    course_dir, _ = course
    rows = engine.recorded(course_dir, "toy", "alice")
    assert sorted(rows) == ["toy.q1", "toy.q2", "toy.q3"]        # w1 is graded by hand
    marker = json.loads((course_dir / engine.STATE_DIR / "toy" / "alice.json").read_text())
    for pid, row in rows.items():
        seed = case_seed(SECRET, "alice", pid, 1)
        assert row["grading_version"] == 1
        assert row["secret_fingerprint"] == hashlib.sha256(SECRET).hexdigest()[:16]
        assert row["case_seed_digest"] == hashlib.sha256(str(seed).encode()).hexdigest()[:16]
        assert row["cases_sha256"] == _cases_hash("alice", pid)
        assert row["submission_fingerprint"] == marker["fingerprint"]
        assert row["graded_at"].endswith("+00:00") and row["sandbox_seconds"] > 0
    assert "run-seed" not in json.dumps(rows)
    assert rows["toy.q1"]["cases_sha256"] != engine.recorded(course_dir, "toy", "bob")[
        "toy.q1"]["cases_sha256"]                                # each student their own cases
    with sqlite3.connect(course_dir / "gradebook.db") as con:    # nbgrader's file, our table
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert records.TABLE in tables and "grade" in tables


def test_check_recorded_matches_and_names_what_differs(course, monkeypatch):
    """Do re-derived cases match the recorded hashes, and when they do not, is the
    differing setting (secret, grading version) named?"""
    course_dir, _ = course
    ok = engine.check_recorded(course_dir, "toy", ["alice"], checkers="toy_checkers", seed=SEED)
    assert [(r["problem"], r["match"]) for r in ok["alice"]] == [
        ("toy.q1", True), ("toy.q2", True), ("toy.q3", True)]
    other = engine.check_recorded(course_dir, "toy", ["alice"], checkers="toy_checkers",
                                  seed=SEED + 1)["alice"]
    # q2's single case has no drawn part: its cases agree whatever the secret
    assert [(r["match"], r["differs"]) for r in other] == [
        (False, ["secret"]), (True, ["secret"]), (False, ["secret"])]
    yaml_path = course_dir / "course.yaml"
    yaml_path.write_text("grading_version: 2\n")
    try:
        bumped = engine.check_recorded(course_dir, "toy", ["alice"], checkers="toy_checkers",
                                       seed=SEED)["alice"]
        assert [(r["match"], r["differs"], r["with_recorded_version"]) for r in bumped] == [
            (False, ["grading_version"], True), (True, ["grading_version"], True),
            (False, ["grading_version"], True)]
        line = records.describe("alice", bumped)[0]
        assert "grading_version is 2, recorded 1" in line and "MISMATCH" in line
    finally:
        yaml_path.unlink()
    with pytest.raises(ValueError, match="students: nothing recorded for zed.*alice, bob"):
        engine.check_recorded(course_dir, "toy", ["zed"], checkers="toy_checkers", seed=SEED)


def test_check_recorded_on_the_command_line(course, monkeypatch, capsys):
    """Does `grade toy --student alice --check-recorded` print a match per problem and exit 0?"""
    course_dir, _ = course
    monkeypatch.setattr(engine, "DEFAULT_CHECKERS", "toy_checkers")
    parser = cli.argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["grade", "toy", "--course", str(course_dir), "--student", "alice",
                              "--check-recorded", "--seed", str(SEED)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.count("cases match the recorded ones") == 3 and "all recorded cases match" in out
    args = parser.parse_args(["grade", "toy", "--course", str(course_dir), "--check-recorded",
                              "--seed", str(SEED + 1)])
    assert args.func(args) == 1
    assert "MISMATCH: the course secret differs" in capsys.readouterr().out


def test_unknown_student_or_problem_names_the_valid_ones(course):
    """Is an unknown student or problem a clear error listing the valid ones?"""
    course_dir, subs = course
    with pytest.raises(ValueError, match=r"students: zed submitted nothing.*alice, bob"):
        _grade(course_dir, subs, students=["zed"])
    with pytest.raises(ValueError, match=r"problems: 'q9' is not a problem of toy.*toy\.q1"):
        _grade(course_dir, subs, problems=["q9"])
    with pytest.raises(ValueError, match="graded by hand"):
        _grade(course_dir, subs, problems=["toy.w1"])


def test_regrade_one_student_then_one_problem(course):
    """--student regrades only that student; --problem changes only that problem's grade
    and record, the others keep theirs even when the answer behind them changed."""
    course_dir, subs = course
    alice_before = engine.recorded(course_dir, "toy", "alice")
    write_submission(subs, "bob", toy_notebook(WRONG_Q3))
    report = _grade(course_dir, subs, students=["bob"])
    assert report.regraded == ["bob"]
    assert report.scores["bob"] == {"toy.q1": 2, "toy.q2": 1, "toy.q3": 0, "toy.w1": None}
    assert report.total == {"alice": 6, "bob": 3}
    assert engine.recorded(course_dir, "toy", "alice") == alice_before
    bob_before = engine.recorded(course_dir, "toy", "bob")

    # bob now also hard-codes q1's example; regrade only q1 ("q1" as typed)
    write_submission(subs, "bob", toy_notebook({**WRONG_Q3, **WRONG_Q1}))
    write_submission(subs, "alice", toy_notebook(WRONG_Q3))   # alice's q3 turns wrong too
    report = _grade(course_dir, subs, problems=["q1"])
    assert sorted(report.regraded) == ["alice", "bob"] and report.regraded_problems == ["toy.q1"]
    assert report.scores["bob"]["toy.q1"] == round(2 / 3, 4)
    assert report.scores["bob"]["toy.q3"] == 0 and report.scores["alice"]["toy.q3"] == 3
    assert report.total == {"alice": 6, "bob": round(2 / 3 + 1, 4)}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        got = {g.name: g.score for g in gb.find_submission_notebook("toy", "toy", "alice").grades}
    assert got["q3-tests"] == 3 and got["q1-tests"] == 2
    after = engine.recorded(course_dir, "toy", "bob")
    assert after["toy.q3"] == bob_before["toy.q3"] and after["toy.q2"] == bob_before["toy.q2"]
    assert after["toy.q1"]["graded_at"] >= bob_before["toy.q1"]["graded_at"]
    assert after["toy.q1"]["submission_fingerprint"] != bob_before["toy.q1"]["submission_fingerprint"]
    assert "regraded only toy.q1" in report.table()
    kept = report.messages["alice"]["toy.q3"]       # the feedback kept with the grade
    assert len(kept) == 3 and all(line.endswith(": correct") for line in kept)

    # the files changed since q3 was graded: a plain run regrades them in full
    report = _grade(course_dir, subs)
    assert sorted(report.regraded) == ["alice", "bob"]
    assert report.total == {"alice": 3, "bob": round(2 / 3 + 1, 4)}


def test_command_line_selection_and_its_errors(course, monkeypatch, capsys):
    """Are --student and --problem repeatable, and is an unknown one exit code 2 with
    the valid ones listed?"""
    course_dir, subs = course
    parser = cli.argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["grade", "hw2", "--student", "a", "--student", "b",
                              "--problem", "2(c)", "--problem", "hw2.q3"])
    assert (args.student, args.problem) == (["a", "b"], ["2(c)", "hw2.q3"])
    args = parser.parse_args(["grade", "toy", "--course", str(course_dir), "--submissions",
                              str(subs), "--problem", "q9", "--no-progress"])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "'q9' is not a problem of toy" in err and "toy.q1" in err and "toy.q3" in err


def test_labels_name_problems_as_students_see_them():
    """Do the label (2(c)), its typed forms (2c, hw2.2c), the id and the slug all name
    hw2's problem 2(c), and is a manual problem refused?"""
    from hwlib.grading import scoring
    from grading_helpers import REPO

    spec = scoring.load_manifest(REPO / "assignments")["hw2"]
    forms = ["2(c)", "2c", "hw2.2c", "hw2.q2c", "transpose_conv_2d", "2C"]
    assert engine.select_problems(spec, forms) == ["hw2.q2c"]
    assert engine.select_problems(spec, ["6(b)–(d)", "6bd", "3b", "hw2.q6"]) == ["hw2.q6", "hw2.q3"]
    with pytest.raises(ValueError, match=r"'2\(a\)' is graded by hand.*2\(c\) \(hw2\.q2c, "
                                         r"transpose_conv_2d\)"):
        engine.select_problems(spec, ["2(a)"])
