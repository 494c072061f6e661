"""Property: every known wrong answer (mistakes.py of every folder) scores 0 on its
problem, on each of 200 grading runs (seeds 0..199).

The case design of each folder (``case_design`` in check.py) covers every regime of
the problem's parameters, and a check counts only when it is right on every scored
case, so a mistake that is right on a whole regime (padding 0, stride 1, ...) still
scores 0 on every run. The one exception is a mistake declared with ``right_parts``:
the parts (checks) of the answer it gets right do not depend on the mistake at all
(dbeta does not involve the variance; a parameter total does not depend on padding),
so it keeps exactly their share, and every other part must score 0 on every run.
"""
from __future__ import annotations

import pytest

from hwlib.grading.checkers import SPECS
from hwlib.problems import folders
from hwlib.problems.testing import grade_cell

SEEDS = range(200)
AUTOGRADED = [f for f in sorted(folders().values(), key=lambda f: f.slug)
              if f.kind in ("function", "value") and f.module("mistakes")]
MISTAKES = [(f, m) for f in AUTOGRADED for m in f.module("mistakes").MISTAKES]


def _failed_checks(messages: list[str], checks: tuple) -> set:
    """The checks with at least one scored line that is not 'correct'."""
    failed = set()
    for line in messages:
        head, _, verdict = line.partition(": ")
        if head.startswith("seed example (not scored)") or verdict == "correct":
            continue
        for check in checks:
            if not check or head.endswith(f", {check}"):
                failed.add(check)
    return failed


def test_every_autograded_folder_with_a_checker_is_covered():
    """Does the property run over every folder that has known mistakes (none left out)?"""
    assert len(MISTAKES) >= 30
    assert {f.id for f, _ in MISTAKES} <= set(SPECS)


@pytest.mark.parametrize("folder,mistake", MISTAKES, ids=[f"{f.slug}-{m['name']}" for f, m in MISTAKES])
def test_known_mistake_scores_zero_on_every_run(folder, mistake):
    """Does the known wrong answer score 0 on all 200 runs (its right_parts' share, if any,
    with every other part failed on every run)?"""
    checks = SPECS[folder.id].checks
    right_parts = list(mistake.get("right_parts", []))
    assert set(right_parts) < set(checks), "right_parts must name some, not all, of the checks"
    expected = len(right_parts) / len(checks)
    assert float(mistake["score"]) == pytest.approx(expected, abs=1e-12), \
        "the declared score should be the share of right_parts"
    for seed in SEEDS:
        fraction, messages = grade_cell(folder.id, mistake["code"], seed)
        assert fraction == pytest.approx(expected, abs=1e-12), (seed, messages)
        assert _failed_checks(messages, checks) == set(checks) - set(right_parts), (seed, messages)
