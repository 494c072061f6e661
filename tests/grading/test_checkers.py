"""Tests of hwlib.grading.checkers: cases, score and the in-kernel check.

The oracle for "right" is the reference solution written in each source
notebook (plain numpy, no hwlib), extracted and executed here in a namespace
that has no hwlib; the oracles for "wrong" are garbage values and malformed
outputs here, and each problem folder's known mistakes (tests/test_problems.py).
"""
import io
import json
import contextlib
import sys
from pathlib import Path

import numpy as np
import pytest

from hwlib import registry
from hwlib.grading import checkers as C
from hwlib.problems.testing import grade_answer, run_cell

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"
MANIFEST = json.loads((ASSIGNMENTS / "manifest.json").read_text())
ENTRIES = [e for a in MANIFEST["assignments"].values() for e in a["problems"]]
AUTO = [e for e in ENTRIES if e["kind"] in ("function", "value")]
SEED = 20240611
REFERENCE_DRAWS = 25  # grading runs (secret seeds) tried per reference solution
EXACT = 1.0  # a fraction of checks, compared exactly (ratios of small integers)


def _notebook(hw):
    return json.loads((ASSIGNMENTS / "source" / hw / f"{hw}.ipynb").read_text())


def _cells_by_id(hw):
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in _notebook(hw)["cells"]}


def _homework(problem_id):
    return problem_id.split(".")[0]


def _reference_namespace(entry):
    """Execute the entry's solution cell (markers and all) without hwlib importable."""
    source = "".join(_cells_by_id(_homework(entry["id"]))[entry["answer_cell"]]["source"])
    assert "hwlib" not in source
    return run_cell(source, entry["answer_cell"])


def _grade(problem_id, answer, seed=SEED):
    return grade_answer(problem_id, answer, seed)


# ---------------------------------------------------------------- the manifest
def test_every_registry_problem_is_autograded():
    """Is every registry problem with a reference autograded in some homework?"""
    graded = {e.get("reference", e["id"]) for e in ENTRIES if e["kind"] != "manual"}
    missing = [p.id for p in registry.problems() if p.id not in graded]
    assert missing == []


def test_manifest_agrees_with_checkers():
    """Does every autograded manifest entry have a checker with the same answer name and kind?"""
    for e in ENTRIES:
        if e["kind"] == "manual":
            continue
        spec = C.SPECS[e["id"]]
        assert (spec.answer, spec.kind) == (e["answer"], e["kind"]), e["id"]
        assert spec.reference == e.get("reference", e["id"]), e["id"]


def test_manifest_cells_exist_with_nbgrader_roles():
    """Does each manifest cell id name a cell of the right nbgrader role and points?"""
    for hw, a in MANIFEST["assignments"].items():
        cells = _cells_by_id(hw)
        for e in a["problems"]:
            if e["answer_cell"]:
                meta = cells[e["answer_cell"]]["metadata"]["nbgrader"]
                assert meta["solution"] and meta["schema_version"] == 3
                assert meta["grade"] == (e["kind"] == "manual")
            if e["test_cell"]:
                meta = cells[e["test_cell"]]["metadata"]["nbgrader"]
                assert meta["grade"] and meta["locked"] and not meta["solution"]
                assert meta["points"] == e["points"]


def test_hidden_test_cells_call_the_checker_exactly():
    """Is every hidden-test cell exactly the agreed four lines naming its problem?"""
    for hw, a in MANIFEST["assignments"].items():
        cells = _cells_by_id(hw)
        for e in a["problems"]:
            if e["test_cell"]:
                assert "".join(cells[e["test_cell"]]["source"]) == (
                    "### BEGIN HIDDEN TESTS\nfrom hwlib.grading.checkers import check\n"
                    f'check("{e["id"]}", globals())\n### END HIDDEN TESTS')


def test_only_hidden_tests_mention_hwlib():
    """Does no solution, statement or visible cell of the source notebooks mention hwlib?"""
    for hw in MANIFEST["assignments"]:
        for cell in _notebook(hw)["cells"]:
            text = "".join(cell["source"])
            if "BEGIN HIDDEN TESTS" not in text:
                assert "hwlib" not in text, text[:80]


# ---------------------------------------------------------------- right answers
@pytest.mark.parametrize("entry", AUTO, ids=[e["id"] for e in AUTO])
def test_reference_solution_scores_full_marks(entry):
    """Does the notebook's own solution, run without hwlib, pass every check for many draws?"""
    namespace = _reference_namespace(entry)
    for seed in range(SEED, SEED + REFERENCE_DRAWS):
        fraction, messages = _grade(entry["id"], namespace[entry["answer"]], seed)
        assert fraction == EXACT, (seed, messages)
        assert all(m.endswith(": correct") for m in messages)


@pytest.mark.parametrize("entry", [e for e in AUTO if e["kind"] == "function"],
                         ids=[e["id"] for e in AUTO if e["kind"] == "function"])
def test_function_cases_start_with_unscored_example_then_design_and_draws(entry):
    """Does a function question show the seed's example (weight 0) first, then scored
    designed and N_DRAWN drawn cases, none of them the example again?"""
    case_list = C.cases(entry["id"], np.random.default_rng(1))
    assert case_list[0]["label"] == "seed example (not scored)" and case_list[0]["weight"] == 0
    assert all("weight" not in c for c in case_list[1:])
    assert sum(c["label"].startswith("random case") for c in case_list) == C.N_DRAWN
    assert all(isinstance(c["args"], dict) for c in case_list)
    assert all(c["args"] != case_list[0]["args"] for c in case_list[1:])
    assert json.loads(json.dumps(case_list)) == case_list  # plain JSON


def test_drawn_cases_differ_between_seeds():
    """Do two grading runs with different seeds ask different random cases?"""
    a = C.cases("hw2.q2c", np.random.default_rng(1))
    b = C.cases("hw2.q2c", np.random.default_rng(2))
    assert a[0] == b[0] and a[1:] != b[1:]


@pytest.mark.parametrize("entry", AUTO, ids=[e["id"] for e in AUTO])
def test_cases_are_a_pure_function_of_an_int_seed(entry):
    """Does the same int seed give the same cases (twice, and as a fresh Generator)?"""
    assert C.cases(entry["id"], 12345) == C.cases(entry["id"], 12345)
    assert C.cases(entry["id"], 12345) == C.cases(entry["id"], np.random.default_rng(12345))


DESIGNED = [pid for pid, spec in C.SPECS.items() if spec.kind == "function"]


@pytest.mark.parametrize("pid", DESIGNED)
def test_every_designed_case_is_asked(pid):
    """Does every function question have a case design, each of whose cases is asked
    (solvable, not the example) on every run?"""
    spec = C.SPECS[pid]
    assert spec.case_design is not None, f"{pid}: no case_design in its check.py"
    for seed in range(30):
        designed = spec.case_design(np.random.default_rng(seed))
        labels = [c["label"] for c in C.cases(pid, seed)]
        assert designed and all(label in labels for label, _ in designed), (seed, labels)


def test_the_unscored_example_earns_nothing():
    """Does the reference answer on the example alone (every other case wrong) score 0,
    while its feedback line still says the example is correct?"""
    case_list = C.cases("hw2.q2c", 4)
    sol = C._solution(C.SPECS["hw2.q2c"], case_list[0]["args"])
    outputs = [{"ok": True, "value": sol}] + [{"ok": True, "value": [[0]]}] * (len(case_list) - 1)
    fraction, messages = C.score("hw2.q2c", case_list, outputs)
    assert fraction == 0.0
    assert messages[0] == "seed example (not scored): correct"


def test_case_seed_is_stable_and_separates_its_fields():
    """Is case_seed a fixed SHA-256 function of (secret, student, problem, version), with
    each field mattering and fields not running into each other?"""
    import hashlib

    seed = C.case_seed("s3cret", "alice", "hw2.q2c", 1)
    fields = [b"s3cret", b"alice", b"hw2.q2c", b"1"]
    h = hashlib.sha256(b"".join(len(f).to_bytes(8, "big") + f for f in fields))
    assert seed == int.from_bytes(h.digest()[:8], "big") >> 1   # the documented formula
    assert 0 <= seed < 2 ** 63
    others = {C.case_seed("s3cret", "bob", "hw2.q2c", 1), C.case_seed("other", "alice", "hw2.q2c", 1),
              C.case_seed("s3cret", "alice", "hw2.q2b", 1), C.case_seed("s3cret", "alice", "hw2.q2c", 2),
              C.case_seed("s3cre", "talice", "hw2.q2c", 1)}
    assert seed not in others and len(others) == 5
    assert C.case_seed(b"s3cret", "alice", "hw2.q2c", "1") == seed
    with pytest.raises(ValueError, match="secret"):
        C.case_seed("", "alice", "hw2.q2c", 1)


# ---------------------------------------------------------------- wrong answers
# The known wrong answers of each problem, and its problem-specific tests, live in
# its folder (hwlib/problems/<slug>/mistakes.py, test_problem.py), run by
# tests/test_problems.py.


# ---------------------------------------------------------------- robustness
GARBAGE = [None, "garbage", {"a": 1}, [[1, 2], [3]], float("nan"), [1e400], object, True,
           {"dx": "x", "dgamma": [], "dbeta": None}, [[[]]], ""]


@pytest.mark.parametrize("entry", AUTO, ids=[e["id"] for e in AUTO])
def test_garbage_answers_score_zero_without_raising(entry):
    """Does every kind of nonsense answer get 0 and one message per check, never an exception?"""
    case_list = C.cases(entry["id"], np.random.default_rng(3))
    for value in GARBAGE:
        try:
            safe = json.loads(json.dumps(value))
        except (TypeError, ValueError):
            safe = repr(value)
        outputs = [{"ok": True, "value": safe} for _ in case_list]
        fraction, messages = C.score(entry["id"], case_list, outputs)
        assert fraction == 0.0, (value, messages)
        assert messages and all(isinstance(m, str) and "\n" not in m for m in messages)


@pytest.mark.parametrize("outputs", [[], None, "x", [1, 2], [{"ok": True}], [{"nonsense": 1}] * 9])
def test_malformed_outputs_never_raise(outputs):
    """Does score survive outputs that are missing or malformed?"""
    case_list = C.cases("hw2.q2c", np.random.default_rng(0))
    fraction, messages = C.score("hw2.q2c", case_list, outputs)
    assert fraction == 0.0 and messages


def test_unknown_problem_never_raises():
    """Does an unknown problem id give 0 and a message rather than an exception?"""
    assert C.score("hw9.q1", [], [])[0] == 0.0


def test_model_file_missing_scores_zero():
    """Does a missing model file give 0 and say which file is missing?"""
    fraction, messages = C.score("hw1.p4", [{"label": "eurosat_model.pt", "args": None}],
                                 [{"ok": False, "error": "FileNotFoundError: no eurosat_model.pt"}])
    assert fraction == 0.0
    assert "no model file eurosat_model.pt" in messages[0]


# ---------------------------------------------------------------- check() in the kernel
def _check(problem_id, namespace, **kw):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        points = C.check(problem_id, namespace, **kw)
    return points, out.getvalue(), err.getvalue()


def test_check_prints_lines_and_returns_points():
    """Does check print one line per check plus a total, and return the manifest's points?"""
    entry = next(e for e in AUTO if e["id"] == "hw2.q2c")
    points, out, err = _check("hw2.q2c", _reference_namespace(entry), rng=5)
    assert points == entry["points"]
    # the label students see in the notebook, not the internal id
    assert out.splitlines()[-1] == f"{entry['label']}: {entry['points']:g} of {entry['points']:g} points"
    assert len(out.splitlines()) == len(C.cases("hw2.q2c", 5)) + 1 and err == ""


def test_check_missing_name_gives_zero():
    """Does check give 0 (and say so) when the answer was never defined?"""
    points, out, _ = _check("hw2.q2b", {})
    assert points == 0.0 and "filter_from_output is not defined" in out


def test_check_stops_an_infinite_loop(monkeypatch):
    """Is a student function that never returns cut off, costing only its checks?"""
    monkeypatch.setattr(C, "CALL_TIME_LIMIT_S", 0.2)
    def forever(x, y):
        while True:
            pass
    points, out, _ = _check("hw2.q2b", {"filter_from_output": forever})
    assert points == 0.0 and "TimeoutError" in out


def test_check_survives_exceptions_that_are_not_errors():
    """Do SystemExit and KeyboardInterrupt from student code stay inside check?"""
    def leave(x, y):
        raise SystemExit(3)
    points, out, _ = _check("hw2.q2b", {"filter_from_output": leave})
    assert points == 0.0 and "SystemExit" in out


def test_check_keeps_stderr_clean():
    """Does check keep student warnings off stderr (nbgrader zeroes a cell that writes there)?"""
    def noisy(x, y):
        print("oops", file=sys.stderr)
        np.log(-1.0)
        return [2, -1, 3]
    _, _, err = _check("hw2.q2b", {"filter_from_output": noisy})
    assert err == ""


def test_check_unknown_problem_never_raises():
    """Does check of an id missing from the manifest print a message and return 0?"""
    points, out, _ = _check("hw9.q9", {})
    assert points == 0.0 and "misconfigured" in out


def test_check_value_question_reads_the_variable():
    """Does a value question read the variable itself from the namespace?"""
    points, out, _ = _check("hw3.q8", {"p_x": "exp(-log(x/(1-x))**2/2)/(sqrt(2*pi)*x*(1-x))"})
    assert points == next(e["points"] for e in AUTO if e["id"] == "hw3.q8")
