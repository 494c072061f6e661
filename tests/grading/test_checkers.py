"""Tests of hwlib.grading.checkers: cases, score and the in-kernel check.

The oracle for "right" is the reference solution written in each source
notebook (plain numpy, no hwlib), extracted and executed here in a namespace
that has no hwlib; the oracles for "wrong" are hand-worked answers (seed 001's
transpose convolution, a reversed filter, ...) whose faults are known.
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
    namespace = {"__name__": "student"}
    blocked = {name: None for name in list(sys.modules) if name == "hwlib" or name.startswith("hwlib.")}
    saved = {name: sys.modules[name] for name in blocked}
    try:
        sys.modules.update(blocked)  # `import hwlib` would now raise ImportError
        exec(compile(source, entry["answer_cell"], "exec"), namespace)
    finally:
        sys.modules.update(saved)
    return namespace


def _outputs(answer, case_list):
    """Run the student's answer on the cases the way the sandbox does (JSON in and out)."""
    outs = []
    for case in case_list:
        try:
            value = answer if case["args"] is None else answer(**json.loads(json.dumps(case["args"])))
            outs.append({"ok": True, "value": json.loads(json.dumps(C._jsonable(value)))})
        except Exception as exc:
            outs.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return outs


def _grade(problem_id, answer, seed=SEED):
    case_list = C.cases(problem_id, np.random.default_rng(seed))
    return C.score(problem_id, case_list, _outputs(answer, case_list))


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
def test_function_cases_start_with_seed_then_fresh_draws(entry):
    """Does a function question ask the seed's case first and then N_DRAWN drawn ones?"""
    case_list = C.cases(entry["id"], np.random.default_rng(1))
    assert case_list[0]["label"] == "seed example"
    assert sum(c["label"].startswith("random case") for c in case_list) == C.N_DRAWN
    assert all(isinstance(c["args"], dict) for c in case_list)
    assert json.loads(json.dumps(case_list)) == case_list  # plain JSON


def test_drawn_cases_differ_between_seeds():
    """Do two grading runs with different seeds ask different random cases?"""
    a = C.cases("hw2.q2c", np.random.default_rng(1))
    b = C.cases("hw2.q2c", np.random.default_rng(2))
    assert a[0] == b[0] and a[1:] != b[1:]


def test_hard_coded_seed_answer_fails_random_cases():
    """Does returning the seed example's right answer pass only the seed check?"""
    fraction, messages = _grade("hw2.q2b", lambda x, y: [2.0, -1.0, 3.0])
    assert fraction == 1 / (1 + C.N_DRAWN)
    assert messages[0] == "seed example: correct"


@pytest.mark.parametrize("problem_id,formulas", [
    ("hw1.p3a", {"conv": "C_out*C_in*k^2 + C_out", "dense": "(H*W)^2*C_in*C_out + H*W*C_out"}),
    ("hw3.q6", {"attention_weights": "D*D*3", "attention_biases": "D+D+D",
                "dense_weights": "D**2 * N**2", "dense_biases": "N*D"}),
    ("hw3.q8", "1/(x*(1-x)*sqrt(2*pi)) * exp(-(log(x) - log(1-x))**2/2)"),
    ("hw2.q4_formula", "gamma*g_i - gamma*S/n"),
    ("hw2.q4_formula", "gamma*(g_i - mean(g))"),
])
def test_equivalent_formulas_are_accepted(problem_id, formulas):
    """Is a differently written but equivalent formula accepted?"""
    fraction, messages = _grade(problem_id, formulas)
    assert fraction == EXACT, messages


def test_symbolic_transpose_accepts_reordered_products():
    """Is 'x*a + ...' accepted where the reference writes 'a*x + ...'?"""
    def answer(inputs, kernel, stride):
        n = (len(inputs) - 1) * stride + len(kernel)
        out = [[] for _ in range(n)]
        for i, a in enumerate(inputs):
            for j, w in enumerate(kernel):
                out[i * stride + j].insert(0, f"{w} * {a}")
        return ["+".join(t) or "0" for t in out]
    assert _grade("hw2.q2c_1d", answer)[0] == EXACT


# ---------------------------------------------------------------- wrong answers
def test_seed_001_transpose_answer_names_wrong_entries():
    """Does seed 001's hand-worked transpose convolution lose the problem, naming (0,1), (1,0), (2,1)?"""
    wrong = lambda x, w, stride, padding: [[-1, 6, -2], [0, -3, 1], [0, 0, 1]]  # noqa: E731
    fraction, messages = _grade("hw2.q2c", wrong)
    assert fraction == 0.0
    assert messages[0] == ("seed example: entry (0,1) should be 3, got 6; entry (1,0) "
                           "should be 3, got 0; entry (2,1) should be 3, got 0")


def test_reversed_filter_is_named():
    """Is a filter recovered with a flipped kernel failed everywhere, with the reason named?"""
    def flipped(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        A = np.array([x[i:i + 3][::-1] for i in range(len(y))])
        return np.linalg.lstsq(A, y, rcond=None)[0]
    fraction, messages = _grade("hw2.q2b", flipped)
    assert fraction == 0.0
    assert "filter reversed" in messages[0]


def test_ema_without_bias_correction_is_named():
    """Is the raw EMA (no division by 1 - beta**t) failed with the missing step named?"""
    def raw(xs, beta):
        mu, out = 0.0, []
        for x in xs:
            mu = beta * mu + (1 - beta) * x
            out.append(mu)
        return out
    fraction, messages = _grade("hw1.p1", raw)
    assert fraction == 0.0
    assert "seed example: entry 0 should be 4, got 0.4" in messages[0]
    assert "without bias correction" in messages[0]


def test_unbiased_bn_variance_gets_one_third():
    """Does BN with the (m-1) variance keep only dbeta, one check in three, and say why?"""
    def unbiased(x, dy, gamma, eps):
        x, g = np.asarray(x, float), np.asarray(dy, float)
        m, mu = len(x), x.mean()
        inv = 1 / np.sqrt(x.var(ddof=1) + eps)
        xhat = (x - mu) * inv
        dvar = -0.5 * np.sum(gamma * g * (x - mu)) * inv ** 3
        dmu = -np.sum(gamma * g) * inv
        dx = gamma * g * inv + dvar * 2 * (x - mu) / m + dmu / m
        return {"dx": dx, "dgamma": np.sum(g * xhat), "dbeta": np.sum(g)}
    fraction, messages = _grade("hw4.q3", unbiased)
    assert fraction == 1 / 3
    assert "seed example, dbeta: correct" in messages
    assert any("unbiased variance" in m for m in messages)


def test_dilation_off_by_one_is_named():
    """Are taps placed `dilation` apart (not dilation + 1) failed with the convention stated?"""
    wrong = lambda kernel_size, dilation, stride, k: [  # noqa: E731
        1 + stride * (k - 1) + j * dilation for j in range(kernel_size)]
    fraction, messages = _grade("hw3.q1", wrong)
    assert fraction == 0.0
    assert messages[0].startswith("seed example: entry 1 should be 7, got 6")
    assert "dilation + 1" in messages[0]


def test_wrong_formula_is_rejected_with_a_value():
    """Is an inequivalent formula given zero, with the point where it differs?"""
    fraction, messages = _grade("hw2.q4_formula", "gamma*g_i")
    assert fraction == 0.0
    assert "not dL/dx_i" in messages[0]


def test_partial_dict_answer_gets_partial_credit():
    """Does a dict with one of four counts wrong earn three quarters?"""
    def answer(c_in, c_out, kernel_size):
        k2 = kernel_size ** 2
        return {"standard": c_out * c_in * k2, "depthwise": c_in * k2,
                "pointwise": c_in * c_out, "separable": c_in * k2}  # forgot the pointwise part
    fraction, messages = _grade("hw2.q5", answer)
    assert fraction == 3 / 4
    assert "seed example, separable: should be 39, got 27" in messages


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


def test_raising_function_scores_zero_with_the_error():
    """Is a function that raises given 0, with its exception in the message?"""
    def boom(x, y):
        raise ZeroDivisionError("division by zero")
    fraction, messages = _grade("hw2.q2b", boom)
    assert fraction == 0.0
    assert messages[0] == "seed example: your function raised ZeroDivisionError: division by zero"


@pytest.mark.parametrize("outputs", [[], None, "x", [1, 2], [{"ok": True}], [{"nonsense": 1}] * 9])
def test_malformed_outputs_never_raise(outputs):
    """Does score survive outputs that are missing or malformed?"""
    case_list = C.cases("hw2.q2c", np.random.default_rng(0))
    fraction, messages = C.score("hw2.q2c", case_list, outputs)
    assert fraction == 0.0 and messages


def test_unknown_problem_never_raises():
    """Does an unknown problem id give 0 and a message rather than an exception?"""
    assert C.score("hw9.q1", [], [])[0] == 0.0


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "9**9**9**9",
                                  "lambda: 1", "x.__class__", "open('f')", "10**100000",
                                  "exp(x)[0]", "x;1"])
def test_unsafe_formulas_are_refused(text):
    """Are strings that could run code or explode refused with a message (not evaluated)?"""
    fraction, messages = _grade("hw3.q8", text)
    assert fraction == 0.0 and len(messages) == 1


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
    assert out.splitlines()[-1] == f"hw2.q2c: {entry['points']:g} of {entry['points']:g} points"
    assert len(out.splitlines()) == 2 + C.N_DRAWN and err == ""


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
