"""The problem registry and the CLI: ids, overrides, errors, JSON output."""
import json
import subprocess
import sys

import numpy as np
import pytest

from hwlib import registry
from hwlib.cli import main

# Every id the course's issue table lists (hw1 = seed 000, hw2 = 001, hw3 = 003, hw4 = 004).
EXPECTED_IDS = {
    "hw1.p1", "hw1.p2", "hw1.p3a", "hw1.p3b", "hw1.p4",
    "hw2.q2b", "hw2.q2c", "hw2.q2c_1d", "hw2.q3", "hw2.q4", "hw2.q5", "hw2.q6",
    "hw3.q1", "hw3.q2", "hw3.q3", "hw3.q4", "hw3.q5", "hw3.q6", "hw3.q7", "hw3.q8", "hw3.q9", "hw3.q10",
    "hw4.q1", "hw4.q2", "hw4.q3", "hw4.q4",
}


def test_every_issue_id_is_registered():
    """Is every problem of the course registered, and nothing unexpected?"""
    assert {p.id for p in registry.problems()} == EXPECTED_IDS


def test_listing_is_in_natural_order():
    """Does hw3.q10 come after hw3.q9 in the listing?"""
    ids = [p.id for p in registry.problems()]
    assert ids.index("hw3.q10") == ids.index("hw3.q9") + 1


@pytest.mark.parametrize("pid", sorted(EXPECTED_IDS))
def test_solve_is_json_and_sample_is_valid(pid):
    """Does every problem solve to JSON for its defaults and for two drawn parameter sets?"""
    problem = registry.get(pid)
    json.dumps(problem.solve())
    for seed in (0, 1):
        drawn = problem.sample(np.random.default_rng(seed))
        assert set(drawn) == set(problem.defaults)
        json.dumps(problem.solve(drawn))


def test_sample_is_deterministic_under_a_seed():
    """Do two generators with the same seed draw the same parameters?"""
    p = registry.get("hw2.q2c")
    assert p.sample(np.random.default_rng(5)) == p.sample(np.random.default_rng(5))


def test_unknown_id_and_parameter():
    """Do an unknown id and an unknown parameter raise with the known names listed?"""
    with pytest.raises(registry.UnknownProblem, match="hw4.q2"):
        registry.get("hw4.q99")
    with pytest.raises(registry.UnknownParameter, match="channels, in_shape"):
        registry.get("hw4.q2").solve({"chanels": [1]})


def test_cli_solve_hw4_q2_json(capsys):
    """Does `solve hw4.q2 --json` print 903400 with the per-layer parts?"""
    assert main(["solve", "hw4.q2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 903_400 and [layer["params"] for layer in out["layers"]] == [2800, 180200, 720400]


def test_cli_param_override(capsys):
    """Does --param take JSON values and change the answer?"""
    assert main(["solve", "hw3.q2", "--param", "kernel_sizes=[3,3]", "--param", "strides=[1,1]",
                 "--param", "dilations=[0,0]", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == 5


@pytest.mark.parametrize("argv,msg", [
    (["solve", "hw9.q1"], "unknown problem id"),
    (["solve", "hw4.q2", "--param", "bogus=1"], "has no parameter bogus"),
    (["solve", "hw2.q2b", "--param", "x=[1,1,1,1,1]", "--param", "y=[3,3,3]"], "does not determine"),
])
def test_cli_errors_exit_2_with_message(argv, msg, capsys):
    """Do bad ids, parameters and values exit with status 2 and a one-line reason?"""
    assert main(argv) == 2
    assert msg in capsys.readouterr().err


def test_cli_problems_lists_every_id():
    """Does `python -m hwlib problems` (a real subprocess) list every id?"""
    out = subprocess.run([sys.executable, "-m", "hwlib", "problems"], capture_output=True,
                         text=True, check=True).stdout
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert listed == EXPECTED_IDS


def test_to_jsonable_converts_numpy_fraction_sympy():
    """Are numpy scalars/arrays, Fractions and sympy values turned into JSON data?"""
    from fractions import Fraction

    import sympy
    x = sympy.Symbol("x")
    assert registry.to_jsonable({"a": np.arange(3), "b": Fraction(6, 3), "c": Fraction(1, 4),
                                 "d": sympy.Integer(7), "e": x + 1, "f": (np.float64(0.5),)}) == {
        "a": [0, 1, 2], "b": 2, "c": 0.25, "d": 7, "e": "x + 1", "f": [0.5]}


@pytest.mark.parametrize("name", ["hw2.q2c", "transpose_conv_2d", "transpose-conv-2d", "hw2.2c",
                                  "hw2.2(c)"])
def test_a_problem_answers_to_its_id_slug_and_label(name):
    """Do the old id, the slug (dashes or underscores) and the homework label name one problem?"""
    assert registry.get(name).id == "hw2.q2c"


def test_every_problem_comes_from_its_folder():
    """Is every registered problem's defaults and solver the ones of its folder's reference.py?"""
    from hwlib.problems import folders

    for problem in registry.problems():
        ref = folders()[problem.slug].module("reference")
        assert problem.defaults == ref.DEFAULTS and problem.solver is ref.solve


def test_cli_solve_by_label(capsys):
    """Does `solve hw4.2a --json` (the label 2(a)) give the same answer as `solve hw4.q2 --json`?"""
    assert main(["solve", "hw4.2a", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 903_400
