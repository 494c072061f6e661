"""Checkers: judge a student's answers against the reference library (hwlib's registry).

The grading is split in two so that student code never needs hwlib:

* :func:`cases` says WHAT to ask. For a function question it returns the
  statement's example (weight 0: reported, worth nothing), the folder's case
  design (one case per regime of the parameters) and parameters freshly drawn
  from the registry's ``sample(rng)``, all a pure function of the seed
  (:mod:`hwlib.grading.design`, which also forms per-student seeds with
  :func:`case_seed`); each case holds the keyword arguments (JSON data) the
  student's function is called with. For a value question there is one case
  with ``args`` None: "read the variable".
* :func:`score` judges the answers, outside any sandbox. ``outputs[i]`` is
  ``{"ok": True, "value": <json>}`` or ``{"ok": False, "error": "Type: msg"}``
  for ``cases[i]``. It recomputes the reference with the registry, compares
  under the tolerances below, and gives partial credit per check: a check
  (one part of the answer) counts when it is right on every scored case (a
  case of ``weight`` 0, the statement's example, is reported but not scored),
  with one plain message line per check and case. It never raises.
* :func:`check` is the in-kernel path of plain nbgrader: it looks the answer
  up in the notebook's namespace, runs the cases in-process (every exception
  caught, each call under a time limit), prints the messages and returns the
  points, so that nbgrader takes the cell's result as partial credit.

Conventions of the checks
-------------------------
* Numbers and arrays: ``|got - expected| <= ATOL + RTOL |expected|`` entrywise,
  shapes must match exactly. Counts (parameters, receptive fields, indices)
  must be exact integers.
* Formulas are strings parsed with sympy's ``parse_expr`` under a whitelist of
  names (never ``eval``). A formula is accepted when it is equivalent to the
  reference: either ``expand(student - reference) == 0`` exactly, or both agree
  to ``FORMULA_RTOL`` at fixed sample points of their variables.
* A model-file question (``kind == "model_file"``) has one case; its output
  value is the path of the saved state dict, graded by
  :func:`hwlib.train.grade_trained_model`.

Problem ids are the manifest's ids (``assignments/manifest.json``), the
``id`` of each problem folder ``hwlib/problems/<slug>/``. :data:`SPECS` is
built from the folders: ``problem.yaml`` gives the kind and the answer's name,
``check.py`` the comparison (``compare``, ``CHECKS``, ``diagnose``, ...; the
primitives are in :mod:`hwlib.grading.compare`), and the folder named by
``reference`` (or the folder itself) the registry problem whose ``solve`` is
the reference. A few answers share another folder's reference
(``hw2.q4_formula``, ``hw4.q1_shapes``, ``hw1.p4``).
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import signal
import logging
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .compare import *  # noqa: F401,F403  (the primitives, re-exported for old callers)
from .compare import ATOL, FORMULA_RTOL, RTOL, Mismatch, _identity_args, _kind, _short
from .design import N_DRAWN, case_seed, draw_cases, scored_weight

__all__ = ["cases", "score", "check", "answer_names", "load_manifest", "manifest_entry",
           "SPECS", "RTOL", "ATOL", "FORMULA_RTOL", "N_DRAWN", "CALL_TIME_LIMIT_S",
           "Spec", "specs", "case_seed"]
from .scoring import NotGraded  # noqa: E402
from .model_scoring import prepare_model_scoring  # noqa: E402,F401  (scoring calls it)

log = logging.getLogger(__name__)

CALL_TIME_LIMIT_S = 10.0   # per call of a student function in check()

MANIFEST_ENV = "HWLIB_MANIFEST"
_DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "assignments" / "manifest.json"


# ============================================================ problem specs
@dataclass(frozen=True)
class Spec:
    """How one manifest problem is asked and judged.

    reference: registry id. kind: "function", "value" or "model_file".
    checks: the names of the checks made on every case (one message each).
    make_args(params, rng) -> args for the student's call (rng None for the seed case).
    to_params(args) -> registry parameters for the case (default: args as they are).
    compare(solution, got, args) -> one message per check: None = correct.
    accept(params) -> False to redraw a sample that would not discriminate.
    case_design(rng) -> [(label, params)]: one case per regime of the parameters
    (hwlib.grading.design); extra(rng) is read the same way.
    diagnose(solution, got, args) -> a hint naming a known mistake, or None.
    """

    reference: str
    kind: str
    answer: str
    compare: Callable[[Any, Any, Any], list]
    checks: tuple = ("",)
    make_args: Callable | None = None
    to_params: Callable | None = None
    accept: Callable | None = None
    extra: Callable | None = None
    case_design: Callable | None = None
    diagnose: Callable | None = None
    value_label: str = "your answer"
    thresholds: tuple | None = None


def _spec_of(folder) -> Spec:
    """The Spec of one problem folder, from its problem.yaml and check.py."""
    from ..problems import folders

    check = folder.module("check")
    reference = folders()[folder.reference_slug].registry_id
    hooks = {name: getattr(check, name, None) for name in
             ("make_args", "to_params", "accept", "extra", "case_design", "diagnose")}
    return Spec(reference=reference, kind=folder.kind, answer=folder.answer,
                compare=getattr(check, "compare", None), checks=tuple(getattr(check, "CHECKS", ("",))),
                value_label=getattr(check, "VALUE_LABEL", "your answer"),
                thresholds=getattr(check, "THRESHOLDS", None), **hooks)


def specs() -> dict[str, Spec]:
    """{grading id: Spec} of every folder with a check.py."""
    from ..problems import folders

    return {f.id: _spec_of(f) for f in folders().values() if (f.path / "check.py").is_file()}


SPECS: dict[str, Spec] = specs()


# ============================================================ manifest
def load_manifest(path: str | os.PathLike | None = None) -> dict:
    """The assignments manifest ($HWLIB_MANIFEST, else assignments/manifest.json of the repo)."""
    path = Path(path or os.environ.get(MANIFEST_ENV) or _DEFAULT_MANIFEST)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def manifest_entry(problem_id: str, manifest: dict | None = None) -> dict:
    """The manifest's entry for a problem id (KeyError when it is not listed)."""
    manifest = manifest or load_manifest()
    for hw in manifest["assignments"].values():
        for entry in hw["problems"]:
            if entry["id"] == problem_id:
                return entry
    raise KeyError(f"problem {problem_id!r} is not in the manifest")


def answer_names(assignment: str | None = None, manifest: dict | None = None) -> dict[str, str]:
    """{problem id: answer name} of the autograded problems (of one assignment, or all)."""
    manifest = manifest or load_manifest()
    out = {}
    for name, hw in manifest["assignments"].items():
        if assignment is None or name == assignment:
            out.update({e["id"]: e["answer"] for e in hw["problems"] if e["kind"] != "manual"})
    return out


# ============================================================ cases and score
def _spec(problem_id: str) -> Spec:
    try:
        return SPECS[problem_id]
    except (KeyError, TypeError):
        raise KeyError(f"no checker for problem {problem_id!r}") from None


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def cases(problem_id: str, rng=None, params: dict | None = None) -> list[dict]:
    """The argument sets to call the student's answer with (see :mod:`hwlib.grading.design`).

    rng: a numpy Generator or an int seed (the same seed, the same cases);
    None draws fresh parameters. params: the student's own parameters of the
    problem (:func:`hwlib.course.params_for`; default: the statement's
    defaults): a value problem is checked against its answer for them, and a
    function problem's example case (worth nothing) uses them.
    """
    from .. import registry

    spec = _spec(problem_id)
    if spec.kind != "function":
        case = {"label": spec.value_label, "args": None}   # args None: the value itself
        if params is not None:
            case["params"] = dict(params)   # the parameters its answer is computed for
        return [case]
    return draw_cases(spec, registry.get(spec.reference), _rng(rng),
                      lambda args: _solvable(spec, args), example=params)


def _solvable(spec: Spec, args) -> bool:
    """Whether the reference has an answer for these arguments (e.g. no empty epoch)."""
    try:
        _solution(spec, args)
    except Exception:
        return False
    return True


def _solution(spec: Spec, args, params: dict | None = None):
    from .. import registry

    problem = registry.get(spec.reference)
    if args is None:
        return problem.solve(params or {})
    params = spec.to_params(args) if spec.to_params else args
    return problem.solve(params)


def _label(case_label: str, check: str) -> str:
    return f"{case_label}, {check}" if check else case_label


def score(problem_id: str, cases: list, outputs: list) -> tuple[float, list[str]]:
    """(fraction of checks passed, one message line per check); never raises but
    NotGraded (the grader, not the answer, is missing something)."""
    try:
        spec = _spec(problem_id)
    except KeyError as exc:
        return 0.0, [f"{problem_id}: {exc.args[0]}"]
    try:
        if spec.kind == "model_file":
            return _score_model_file(spec, outputs)
        return _score_cases(spec, list(cases), list(outputs))
    except NotGraded:  # the grader lacks torch or the data: pending, not 0
        raise
    except Exception as exc:  # a grader bug must not crash the grading run
        return 0.0, [f"{problem_id}: could not grade this answer ({type(exc).__name__})"]


def _score_cases(spec: Spec, case_list: list, outputs: list) -> tuple[float, list[str]]:
    """(fraction of checks passed on EVERY scored case, one message per check and case).

    A check (one part of the answer) earns its share only when it is right on
    every case of weight > 0: the case design covers every regime of the
    parameters, so an answer that is wrong on one regime (stride > 1, padding,
    several layers, ...) earns nothing for that part on any run, whatever the
    random draws. Cases of weight 0 (the statement's example) are judged and
    reported but count for nothing.
    """
    if len(outputs) < len(case_list):
        outputs = outputs + [{"ok": False, "error": "no result"}] * (len(case_list) - len(outputs))
    messages: list[str] = []
    right = [True] * len(spec.checks)
    scored = False
    for case, out in zip(case_list, outputs):
        label = str(case.get("label", "case")) if isinstance(case, dict) else "case"
        args = case.get("args") if isinstance(case, dict) else None
        params = case.get("params") if isinstance(case, dict) else None
        results = _judge_case(spec, label, args, out, params)
        messages.extend(msg for _, msg in results)
        if scored_weight(case) > 0:
            scored = True
            if all(right) and not all(ok for ok, _ in results) and isinstance(args, dict):
                messages.append(_reproduce_line(spec.answer, label, args))
            right = [r and ok for r, (ok, _) in zip(right, results)]
    if not messages:
        return 0.0, ["no checks were run"]
    if not scored:
        return 0.0, messages
    return sum(right) / len(right), messages


REPRODUCE_MAX_CHARS = 300   # the call shown for the first failing scored case


def _reproduce_line(answer: str, label: str, args: dict) -> str:
    """``to reproduce <label>: answer(a=..., b=...)``: the first failing scored case's
    call, as Python literals (JSON data), cut to REPRODUCE_MAX_CHARS characters."""
    call = f"{answer}({', '.join(f'{k}={v!r}' for k, v in args.items())})"
    if len(call) > REPRODUCE_MAX_CHARS:
        call = call[:REPRODUCE_MAX_CHARS - 3] + "..."
    return f"to reproduce {label}: {call}"


def _judge_case(spec: Spec, label: str, args, out,
                params: dict | None = None) -> list[tuple[bool, str]]:
    n = len(spec.checks)
    if not isinstance(out, dict) or not out.get("ok"):
        error = out.get("error", "no result") if isinstance(out, dict) else "no result"
        error = _short_error(error).rstrip(": ")
        if args is None or error.startswith("NameError") or error == "no result":
            text = error  # the answer is missing or not evaluable
        else:
            text = f"your function raised {error}"
        return [(False, f"{_label(label, c)}: {text}") for c in spec.checks]
    try:
        solution = _solution(spec, args, params)
    except Exception as exc:
        return [(False, f"{_label(label, c)}: the reference could not be computed "
                        f"({type(exc).__name__}); tell the instructor") for c in spec.checks]
    got = out.get("value")
    try:
        messages = list(spec.compare(solution, got, args))
    except Mismatch as exc:
        messages = [str(exc)] * n
    except Exception as exc:
        messages = [f"could not compare your answer ({type(exc).__name__}: "
                    f"{_short_error(str(exc))})"] * n
    messages = (messages + ["no check made"] * n)[:n]
    hint = None
    if any(m is not None for m in messages) and spec.diagnose:
        try:
            hint = spec.diagnose(solution, got, args)
        except Exception:
            hint = None
    results = []
    for c, m in zip(spec.checks, messages):
        if m is None:
            results.append((True, f"{_label(label, c)}: correct"))
        else:
            results.append((False, f"{_label(label, c)}: {m}" + (f" ({hint})" if hint else "")))
    return results


def _short_error(text: Any, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _score_model_file(spec: Spec, outputs: list) -> tuple[float, list[str]]:
    name = spec.answer
    out = outputs[0] if outputs else None
    path = out.get("value") if isinstance(out, dict) and out.get("ok") else None
    if not isinstance(path, str) or not Path(path).is_file():
        return 0.0, [f"{name}: no model file {name} was submitted next to the notebook; save "
                     f"your trained network with torch.save(model.state_dict(), '{name}')"]
    try:
        from ..data import DatasetError
        from ..train import grade_trained_model
    except ImportError as exc:  # a grade-only install (no `train` extra)
        if (exc.name or "").split(".")[0] not in ("torch", "torchvision"):
            raise
        raise NotGraded(f"{name}: not graded yet: this grading machine has no torch; the "
                        "instructor installs the `train` extra (pip install 'hwlib[train]') "
                        "and grades again with --force") from exc
    try:
        kwargs = {"thresholds": spec.thresholds} if spec.thresholds else {}
        fraction, message = grade_trained_model(path, **kwargs)
    except DatasetError as exc:
        raise NotGraded(f"{name}: not graded yet: the grader has no EuroSAT test set "
                        "(python -m hwlib data fetch eurosat --to DIR, then HWLIB_DATA=DIR "
                        f"and grade again with --force): {_short_error(exc)}") from exc
    except Exception as exc:
        return 0.0, [f"{name}: could not be graded ({type(exc).__name__}: {_short_error(exc)})"]
    return float(min(1.0, max(0.0, fraction))), [f"{name}: {message}"]


# ============================================================ in-kernel check
class AnswerTimeout(BaseException):
    """A student's call ran past CALL_TIME_LIMIT_S (BaseException: `except Exception` cannot eat it)."""


def _jsonable(value: Any, depth: int = 0) -> Any:
    """Plain JSON data from an answer (arrays and tensors via tolist, sympy as str)."""
    if depth > 32:
        raise ValueError("the returned value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    root = (type(value).__module__ or "").split(".")[0]
    if root in ("sympy", "fractions"):
        return str(value)
    if root == "torch" and hasattr(value, "detach"):
        return _jsonable(value.detach().cpu().tolist(), depth + 1)
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), depth + 1)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    raise TypeError(f"the answer is a {type(value).__name__}, not numbers, lists, "
                    "arrays, a dict or a string")


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise AnswerTimeout in the main thread after ``seconds`` (no-op elsewhere)."""
    usable = (threading.current_thread() is threading.main_thread()
              and hasattr(signal, "setitimer"))
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise AnswerTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, AnswerTimeout):
        return f"TimeoutError: no result within {CALL_TIME_LIMIT_S:g} s"
    try:
        return _short_error(f"{type(exc).__name__}: {exc}")
    except BaseException:
        return f"{type(exc).__name__}: (message unavailable)"


def _run_case(spec: Spec, answer: str, namespace, case: dict) -> dict:
    """One output record for one case, running the student's function in-process."""
    try:
        if answer not in namespace:
            return {"ok": False, "error": f"NameError: {answer} is not defined "
                                          "(run the cell that defines it)"}
        obj = namespace[answer]
        if case["args"] is None:
            return {"ok": True, "value": json.loads(json.dumps(_jsonable(obj)))}
        if not callable(obj):
            return {"ok": False, "error": f"TypeError: {answer} should be a function, "
                                          f"got {type(obj).__name__}"}
        args = copy.deepcopy(case["args"])
        sink = io.StringIO()
        # Output on stderr would make nbgrader give the cell 0: swallow it here.
        with warnings.catch_warnings(), contextlib.redirect_stderr(sink), \
                _time_limit(CALL_TIME_LIMIT_S):
            warnings.simplefilter("ignore")
            value = obj(**args)
            value = json.loads(json.dumps(_jsonable(value), allow_nan=True))
        return {"ok": True, "value": value}
    except BaseException as exc:  # the student's failure is a result, not a crash
        return {"ok": False, "error": _describe(exc)}


def check(problem_id: str, namespace, rng=None) -> float:
    """Grade one answer inside the notebook kernel; print the messages, return the points.

    The hidden test cell ends with this call, so nbgrader reads the returned
    number as the cell's (partial) credit. Never raises.
    """
    try:
        entry = manifest_entry(problem_id)
        points = float(entry["points"])
        spec = _spec(problem_id)
    except BaseException as exc:
        print(f"{problem_id}: the grader is misconfigured ({_describe(exc)}); 0 points")
        return 0.0
    try:
        if spec.kind == "model_file":
            path = Path.cwd() / entry["answer"]
            outputs = [{"ok": True, "value": str(path)} if path.is_file()
                       else {"ok": False, "error": f"FileNotFoundError: no {entry['answer']}"}]
            case_list = [{"label": entry["answer"], "args": None}]
        else:
            case_list = cases(problem_id, rng)
            outputs = [_run_case(spec, entry["answer"], namespace, c) for c in case_list]
        fraction, messages = score(problem_id, case_list, outputs)
    except BaseException as exc:
        fraction, messages = 0.0, [f"{problem_id}: grading stopped ({_describe(exc)})"]
    earned = round(fraction * points, 6)
    try:
        for line in messages:
            print(line)
        print(f"{entry.get('label', problem_id)}: {earned:g} of {points:g} points")
    except BaseException:
        pass
    return earned
