"""The trusted side's work on one submission is bounded (hwlib.grading.scoring).

Scoring runs in a child process with a time budget and an address-space
limit; model files are checked for their declared uncompressed size before
torch.load. Timing assertions bound a budget with a wide margin.
"""
from __future__ import annotations

import time
import types
import zipfile

import pytest

from hwlib.grading import sandbox, scoring

LIMITS = sandbox.Limits(scoring_timeout=3.0, scoring_memory_bytes=256 * 1024 ** 2,
                        model_file_bytes=4 * 1024 ** 2)


def _problem(pid: str, kind: str = "function") -> scoring.Problem:
    return scoring.Problem(id=pid, answer="f", kind=kind, points=2.0, answer_cell="a",
                           test_cell="t")


def _checkers(behaviour):
    """A stand-in checkers module whose score does ``behaviour[problem_id]``."""
    def score(pid, cases, outputs):
        return behaviour[pid]()
    return types.SimpleNamespace(score=score)


def _spin():
    while True:
        pass


def _eat_memory():
    hog = []
    while True:
        hog.append(bytearray(32 * 1024 ** 2))


def test_slow_checker_costs_only_its_problem_within_the_budget():
    """A checker that never returns (e.g. expanding a huge formula): does it
    score 0 with a line naming the limit, within scoring_timeout (3 s, 3x
    margin), while the problems before it keep their points and the one
    after is left ungraded (None: flagged for review, not a zero)?"""
    items = [{"problem": _problem(p), "cases": [], "outputs": []} for p in ("a", "b", "c")]
    checkers = _checkers({"a": lambda: (1.0, ["a: correct"]), "b": _spin,
                          "c": lambda: (1.0, ["c: correct"])})
    started = time.monotonic()
    results, incidents = scoring.score_bounded(items, checkers, LIMITS)
    assert time.monotonic() - started < 3 * LIMITS.scoring_timeout
    assert results == {
        "a": (2.0, ["a: correct"]),
        "b": (0.0, ["b: checking this answer took longer than the grader allows; "
                    "it scores 0 (simplify the answer)"]),
        "c": (None, ["c: not checked: checking this submission's answers used up the "
                     "grader's budget of 3 s; left for the instructor's review"])}
    assert incidents == ["b: checking the answer took longer than the grader allows",
                         "c: not checked (scoring budget used up)"]


def test_memory_hungry_checker_is_stopped_and_the_rest_scored():
    """A checker that allocates without end: is it stopped by the child's
    address-space limit (0 points, a line naming it) and the next problem
    scored in a fresh child?"""
    items = [{"problem": _problem(p), "cases": [], "outputs": []} for p in ("hog", "ok")]
    checkers = _checkers({"hog": _eat_memory, "ok": lambda: (0.5, ["ok: half"])})
    results, _ = scoring.score_bounded(items, checkers, LIMITS)
    assert results["ok"] == (1.0, ["ok: half"])
    assert results["hog"][0] == 0.0
    # score_problem catches the MemoryError of the checker: a neutral line, 0 points
    assert results["hog"][1] == ["the answer could not be checked (the grader failed on the "
                                 "returned value); check its type and shape"]


def test_zip_bomb_model_file_is_not_loaded(tmp_path):
    """A torch-style zip whose entry inflates to 64 MiB (under 100 KiB on
    disk): is it refused from its declared size, before any load?"""
    path = tmp_path / "eurosat_model.pt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data/0", b"\0" * (64 * 1024 ** 2))
    assert path.stat().st_size < 100 * 1024
    loaded = []
    checkers = _checkers({"hw1.p4": lambda: loaded.append(1) or (1.0, ["loaded"])})
    items = [{"problem": _problem("hw1.p4", "model_file"), "cases": [{"args": None}],
              "path": str(path)}]
    results, _ = scoring.score_bounded(items, checkers, LIMITS)
    assert results == {"hw1.p4": (0.0, [
        "eurosat_model.pt: not loaded: it would decompress to 64.0 MiB, more than the "
        "limit of 4.0 MiB"])}


def test_small_model_file_goes_to_the_checker(tmp_path):
    """Is a model file within the limit handed to the checkers as a path?"""
    path = tmp_path / "eurosat_model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"x" * 1000)
    assert scoring.model_file_problem(path, LIMITS.model_file_bytes) is None
    assert scoring.model_file_problem(path, 500) == (
        f"the file is {path.stat().st_size:,} bytes, more than the limit of 500 bytes")


def test_slow_model_evaluation_is_left_pending_not_zero(tmp_path):
    """A model file whose evaluation outlasts the budget (a slow grading machine:
    the course fixes the network and bounds the file): is it left ungraded for
    the instructor (None) with a line saying why, rather than scored 0?"""
    path = tmp_path / "eurosat_model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"x" * 1000)
    items = [{"problem": _problem("hw1.p4", "model_file"), "cases": [{"args": None}],
              "path": str(path)}]
    results, incidents = scoring.score_bounded(items, _checkers({"hw1.p4": _spin}), LIMITS)
    points, lines = results["hw1.p4"]
    assert points is None
    assert lines == ["hw1.p4: not checked: evaluating the model took longer than the grader "
                     "allows on this grading machine; left for the instructor (raise the "
                     "scoring_timeout limit or grade on a faster machine, then --force)"]
    assert incidents == ["hw1.p4: model evaluation took longer than the grader allows "
                         "(grader's limit)"]
