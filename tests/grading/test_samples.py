"""Do the bundled sample submissions get exactly their hand-derived grades?

The oracle is assignments/samples/expected.json: points per autograded problem
worked out by hand from the manifest (see MISTAKES in build_samples.py), and
a phrase each problem's feedback must contain. The grades come from the
grading engine's public API, on a temporary copy of the course directory,
with a secret (random) seed: the expected scores must hold for every draw.
"""
import json
import os
import shutil
from pathlib import Path

import pytest

from hwlib.course import use_sample_settings

from hwlib.grading import engine

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"
EXPECTED = json.loads((ASSIGNMENTS / "samples" / "expected.json").read_text())["samples"]
# Every sample's score per problem as graded before the problems moved into folders
# (commit d1b7d89, HWLIB_DATA unset): the move must not change a single grade.
BASELINE = json.loads((Path(__file__).parent / "fixtures" / "baseline_scores.json").read_text())
ASSIGNMENT_NAMES = sorted({e["assignment"] for e in EXPECTED.values()})
# Since then (issue 11) two function problems share their points with a new question on
# the student's own numbers: {old id: (the share it keeps, the new id)}. A sample answers
# both or neither, so the old score splits in the same proportion (the sum is unchanged).
SPLIT = {"hw2.q5": (1 / 2, "hw2.q5_counts"), "hw4.q2": (2 / 3, "hw4.q2_counts")}
POINTS_ATOL = 1e-4   # the engine rounds partial credit to 4 decimals
# A submitted model (hw1.p4) is graded on EuroSAT's test set. Without HWLIB_DATA the
# grader leaves it ungraded (None), its feedback naming `hwlib data fetch`, not 0.
NO_DATA = not os.environ.get("HWLIB_DATA")


def _expected(key):
    """expected.json's entry, adjusted for a run without the data root."""
    want = json.loads(json.dumps(EXPECTED[key]))
    if NO_DATA and (ASSIGNMENTS / "samples" / key / "eurosat_model.pt").exists():
        want["total"] -= want["scores"]["hw1.p4"]
        want["scores"]["hw1.p4"] = None
        want["feedback"]["hw1.p4"] = "python -m hwlib data fetch eurosat"
    return want


# Outputs of earlier grading runs that must not leak into the copy.
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__", ".course-secret")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Grade every assignment's samples once, in one fresh copy of the course."""
    course = tmp_path_factory.mktemp("course") / "assignments"
    shutil.copytree(ASSIGNMENTS, course, ignore=shutil.ignore_patterns(*GENERATED))
    use_sample_settings(course)  # the samples answer the default numbers, with a public secret
    return {name: engine.grade(course, name, jobs=2) for name in ASSIGNMENT_NAMES}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_sample_gets_exact_points(reports, key):
    """Does the sample get exactly the points derived by hand for each autograded problem?"""
    want = _expected(key)
    report = reports[want["assignment"]]
    got = report.scores[want["student"]]
    for problem_id, points in want["scores"].items():
        assert got[problem_id] == (None if points is None else pytest.approx(points, abs=POINTS_ATOL)), (
            f"{key} {problem_id} (seed {report.seed}): {report.messages[want['student']].get(problem_id)}")


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_sample_total_is_the_sum_of_autograded_points(reports, key):
    """Is the sample's total the hand-derived sum (manual answers not yet graded)?"""
    want = _expected(key)
    assert reports[want["assignment"]].total[want["student"]] == pytest.approx(
        want["total"], abs=POINTS_ATOL)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_sample_feedback_names_the_mistake(reports, key):
    """Does each problem's feedback contain the phrase that names the sample's mistake?"""
    want = _expected(key)
    messages = reports[want["assignment"]].messages[want["student"]]
    for problem_id, phrase in want["feedback"].items():
        text = "\n".join(messages.get(problem_id, []))
        assert phrase in text, f"{key} {problem_id}: {text[:300]!r}"


def test_expected_covers_every_sample_and_problem():
    """Does expected.json list every shipped sample and every autograded problem of its homework?"""
    manifest = json.loads((ASSIGNMENTS / "manifest.json").read_text())["assignments"]
    shipped = {f"{p.parent.parent.name}/{p.parent.name}"
               for p in (ASSIGNMENTS / "samples").glob("*/*/*.ipynb")}
    assert shipped == set(EXPECTED)
    for want in EXPECTED.values():
        ids = {p["id"] for p in manifest[want["assignment"]]["problems"] if p["kind"] != "manual"}
        assert set(want["scores"]) == ids


def test_every_sample_scores_as_before_the_move_to_folders(reports):
    """Does every bundled sample get, problem by problem, the score it got before?

    Model-file problems are left out: their score depends on whether the data
    set is available to the grader (the baseline was taken without it). A split
    problem (SPLIT) is compared as its two parts.
    """
    manifest = json.loads((ASSIGNMENTS / "manifest.json").read_text())["assignments"]
    model_files = {p["id"] for a in manifest.values() for p in a["problems"]
                   if p["kind"] == "model_file"}
    assert set(BASELINE) == set(EXPECTED)
    for key, before in sorted(BASELINE.items()):
        assignment, student = key.split("/")
        now = reports[assignment].scores[student]
        split = {SPLIT[p][1]: p for p in before["scores"] if p in SPLIT}
        assert set(now) == set(before["scores"]) | set(split), key
        for problem_id, points in before["scores"].items():
            if problem_id in SPLIT:
                share, new = SPLIT[problem_id]
                assert now[problem_id] == pytest.approx(points * share, abs=POINTS_ATOL), key
                assert now[new] == pytest.approx(points * (1 - share), abs=POINTS_ATOL), key
            elif problem_id not in model_files:
                assert now[problem_id] == points, (key, problem_id, now[problem_id], points)
