"""Which cases a function question asks: the statement's example, the folder's
case design, and random draws; all a pure function of one integer seed.

A grading run asks, for each function question:

1. the statement's example (label ``seed example (not scored)``, ``weight`` 0):
   shown in the feedback so that students see how their answer does on the
   numbers they know, but worth nothing, so hard-coding it earns nothing;
2. the folder's **case design**: ``case_design(rng)`` in its ``check.py``
   returns ``[(label, params), ...]``, one case per regime of the parameters
   (stride 1 and >1, padding 0 and >0, one layer and several, numbers that
   divide evenly and not, ...), so that a wrong answer that is right on a
   whole regime cannot keep points by luck of the draw (the older hook
   ``extra(rng)`` is read the same way);
3. :data:`N_DRAWN` parameter sets drawn by the registry's ``sample(rng)``.

Every case but the example has weight 1 (is scored), and a check (one part of
the answer) earns its share only when it is right on every scored case
(:func:`hwlib.grading.checkers.score`): an answer wrong on one regime earns
nothing for that part, on every run. The cases are a pure function of the
seed: the same seed gives the same cases, on any machine.

Per-student seeds
-----------------
Each student gets their own, reproducible cases: the engine
(:func:`hwlib.grading.scoring.draw_cases`) forms the seed with
:func:`case_seed` from the course secret (kept off the students' machines,
:mod:`hwlib.course`), the student's id, the problem id and the course's
grading version (bumped when a case design changes, so old grades can be
re-derived with the old version)::

    seed = case_seed(secret, student, "hw2.q2c", version=1)
    case_list = checkers.cases("hw2.q2c", seed)
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

__all__ = ["N_DRAWN", "EXAMPLE_LABEL", "case_seed", "draw_cases", "scored_weight"]

N_DRAWN = 3                # freshly drawn parameter sets per function question
EXAMPLE_LABEL = "seed example (not scored)"
MAX_TRIES = 100            # draws tried for one random case before allowing a repeat


def case_seed(secret: str | bytes, student: str, problem: str, version: int | str) -> int:
    """A 63-bit seed from SHA-256 of (secret, student, problem, version).

    Each field is length-prefixed, so ("ab", "c") and ("a", "bc") differ; the
    secret never appears in the result (a student who knows their seed learns
    nothing about another student's).
    """
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("secret: should be a non-empty string or bytes")
    digest = hashlib.sha256()
    for field in (secret, *(str(v).encode("utf-8") for v in (student, problem, version))):
        digest.update(len(field).to_bytes(8, "big"))
        digest.update(field)
    return int.from_bytes(digest.digest()[:8], "big") >> 1


def scored_weight(case: Any) -> float:
    """The weight of a case in the score (1 unless the case says otherwise)."""
    if not isinstance(case, dict):
        return 1.0
    weight = case.get("weight", 1)
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        return 1.0
    return weight if weight >= 0 else 1.0


def _key(args) -> str:
    return json.dumps(args, sort_keys=True)


def draw_cases(spec, problem, rng: np.random.Generator, solvable,
               example: dict | None = None) -> list[dict]:
    """The cases of one function question (see the module docstring).

    spec: the checkers' Spec (make_args, accept, case_design, extra);
    problem: the registry problem; solvable(args) -> bool; example: the
    parameters of the statement the student saw (default: the problem's defaults).
    """
    from .compare import _identity_args

    make = spec.make_args or _identity_args
    shown = problem.params(example) if example is not None else problem.defaults
    out = [{"label": EXAMPLE_LABEL, "args": make(shown, None), "weight": 0}]
    seen = {_key(out[0]["args"])}
    designed = []
    for hook in (spec.case_design, spec.extra):
        designed.extend(hook(rng) if hook else [])
    for label, params in designed:
        args = make(problem.params(params), rng)
        if _key(args) in seen or not solvable(args):
            continue  # the example (worth nothing) or a case without an answer
        seen.add(_key(args))
        out.append({"label": str(label), "args": args})
    example = _key(out[0]["args"])
    for i in range(N_DRAWN):
        args = _draw(spec, problem, rng, make, solvable, seen)
        if args is None:  # a sampler with very few distinct cases: allow a repeat, never the example
            args = _draw(spec, problem, rng, make, solvable, {example})
        if args is None:
            continue
        seen.add(_key(args))
        out.append({"label": f"random case {i + 1}", "args": args})
    return json.loads(json.dumps(out))  # plain JSON data, nothing shared


def _draw(spec, problem, rng, make, solvable, avoid):
    """One drawn argument set whose key is not in ``avoid`` and that has an answer, or None."""
    for _ in range(MAX_TRIES):
        params = problem.sample(rng)
        if spec.accept is not None and not spec.accept(params):
            continue
        candidate = make(params, rng)
        if _key(candidate) not in avoid and solvable(candidate):
            return candidate
    return None
