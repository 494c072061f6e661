"""The trusted comparison: manifest, secret cases, scores from the checkers.

Runs outside the sandbox only. The sandbox receives the case ARGUMENTS and
returns values; expected values are computed here by the checkers module
(``cases``/``score``, see :mod:`hwlib.grading.checkers`) and never leave the
grading process.
"""
from __future__ import annotations

import importlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("function", "value", "model_file", "manual")


class NotGraded(Exception):
    """A checker's signal that the GRADER cannot score this problem here (a missing
    extra such as torch, or a missing data set): the problem is left ungraded for the
    instructor (points None, flagged for review), never scored 0 for the student."""
POINT_DIGITS = 4     # partial credit is rounded to this many decimals


@dataclass(frozen=True)
class Problem:
    """One manifest entry: what the student writes and how many points it earns."""

    id: str
    answer: str | None
    kind: str
    points: float
    answer_cell: str | None
    test_cell: str | None


@dataclass(frozen=True)
class Assignment:
    """A homework in the manifest: its notebook file name and problems."""

    name: str
    notebook: str
    problems: tuple[Problem, ...]

    @property
    def autograded(self) -> tuple[Problem, ...]:
        """Problems the engine scores (everything but the manual ones)."""
        return tuple(p for p in self.problems if p.kind != "manual")


def load_manifest(course_dir: Path) -> dict[str, Assignment]:
    """Every assignment of ``course_dir/manifest.json``; a bad entry raises ValueError."""
    path = Path(course_dir) / "manifest.json"
    try:
        raw = json.loads(path.read_text())["assignments"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the manifest {path}: {exc}") from exc
    found = {}
    for name, entry in raw.items():
        problems = []
        for p in entry["problems"]:
            if p.get("kind") not in KINDS:
                raise ValueError(f"{path}: problem {p.get('id')} has kind {p.get('kind')!r}; "
                                 f"expected one of {', '.join(KINDS)}")
            problems.append(Problem(id=p["id"], answer=p["answer"], kind=p["kind"],
                                    points=float(p["points"]),
                                    answer_cell=p.get("answer_cell"),
                                    test_cell=p.get("test_cell")))
        ids = [p.id for p in problems]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{path}: duplicate problem ids in {name}")
        found[name] = Assignment(name=name, notebook=entry.get("notebook", f"{name}.ipynb"),
                                 problems=tuple(problems))
    return found


def load_checkers(name: str):
    """Import the checkers module by dotted name (default hwlib.grading.checkers)."""
    return importlib.import_module(name)


def draw_cases(assignment: Assignment, checkers, seed: int) -> dict[str, list[dict]]:
    """Cases of every function/value problem, from the secret run seed.

    Each problem draws from its own generator (seed, index), so adding a
    problem does not change the others' cases.
    """
    cases = {}
    for index, problem in enumerate(assignment.problems):
        if problem.kind != "manual":
            rng = np.random.default_rng([seed, index])
            cases[problem.id] = list(checkers.cases(problem.id, rng))
    return cases


def case_args(cases: list[dict]) -> list[dict | None]:
    """Only the arguments of the cases: what the sandbox may see."""
    return [json.loads(json.dumps(c["args"])) if c["args"] is not None else None
            for c in cases]


def _points(problem: Problem, fraction) -> float:
    """Points from a checker's fraction, clamped to [0, points]."""
    fraction = float(fraction)
    if not math.isfinite(fraction):
        raise ValueError(f"checker returned a non-finite fraction {fraction}")
    fraction = min(max(fraction, 0.0), 1.0)
    return round(problem.points * fraction, POINT_DIGITS)


def score_problem(problem: Problem, cases: list[dict], outputs: list[dict],
                  checkers) -> tuple[float, list[str]]:
    """Points and feedback lines of one function/value problem.

    A checker that fails on some odd student value gives 0 points with a
    neutral message (and a log entry for the instructor), never a crash.
    """
    try:
        fraction, lines = checkers.score(problem.id, cases, outputs)
        return _points(problem, fraction), [str(line) for line in lines]
    except NotGraded as exc:  # the grader's gap, not the student's mistake
        log.warning("%s left ungraded: %s", problem.id, exc)
        return None, [str(exc)]
    except Exception:  # the checker is trusted, but the value it got is not
        log.exception("checker for %s failed", problem.id)
        return 0.0, ["the answer could not be checked (the grader failed on the "
                     "returned value); check its type and shape"]


def score_model_file(problem: Problem, cases: list[dict], path: Path,
                     checkers) -> tuple[float, list[str]]:
    """Points for a model file saved next to the notebook, graded by the checkers
    (``torch.load(weights_only=True)``: loading runs no student code)."""
    path = Path(path)
    if path.is_file() and not path.is_symlink():
        outputs = [{"ok": True, "value": str(path)}]
    else:
        outputs = [{"ok": False, "error": f"FileNotFoundError: no {path.name}"}]
    return score_problem(problem, cases, outputs, checkers)
