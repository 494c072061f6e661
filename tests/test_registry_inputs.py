"""Registry inputs: every sampler draws only parameter sets its reference solves, and
every invalid parameter gives a ValueError whose message names the parameter (never a
TypeError, an OverflowError or a NaN answer)."""
from __future__ import annotations

import math

import pytest

from hwlib import registry

PROBLEMS = registry.problems()
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_sampler_draws_only_solvable_parameters(problem):
    """Does solve(sample(rng)) succeed for seeds 0..999, with a finite answer?"""
    for seed in range(1000):
        params = problem.sample(seed)
        answer = problem.solve(params)
        assert _finite(answer), (seed, params, answer)


def _finite(v) -> bool:
    if isinstance(v, dict):
        return all(_finite(x) for x in v.values())
    if isinstance(v, list):
        return all(_finite(x) for x in v)
    if isinstance(v, float):
        return math.isfinite(v)
    return True


def _first_leaf_replaced(v, new):
    if isinstance(v, list) and v:
        return [_first_leaf_replaced(v[0], new)] + list(v[1:])
    return new


def _depth(v) -> int:
    return 1 + _depth(v[0]) if isinstance(v, list) and v else int(isinstance(v, list))


def _bad_values(default):
    """Invalid values for a parameter whose default is ``default``: wrong types, negative
    sizes, NaN and inf, huge integers, wrong shapes."""
    huge = 10 ** 400
    if isinstance(default, bool):
        return [1, 0, "False", None, [True], 0.0]
    if isinstance(default, int):
        bad = ["3", 2.5, float(default), True, None, [default], NAN, huge, -huge, 10 ** 12]
        return bad + ([-1] if default >= 0 else [])
    if isinstance(default, float):
        return ["0.5", None, True, [default], NAN, INF, -INF, huge, 1e300]
    if isinstance(default, str):
        return [3, None, [default], True]
    if default is None:  # an optional array
        return ["abc", 3, True, [[NAN]], [[1.0, 2.0], [3.0]], [[INF, 1.0]], {"a": 1}]
    if isinstance(default, list):
        bad = ["abc", 3, None, {"a": 1}, [default], _first_leaf_replaced(default, None),
               _first_leaf_replaced(default, NAN), _first_leaf_replaced(default, huge),
               _first_leaf_replaced(default, True), _first_leaf_replaced(default, [1, 2])]
        if _depth(default) >= 2:
            bad += [default[0], [default[0], default[0][:-1]]]   # too shallow; ragged
        leaves = _leaves(default)
        if leaves and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in leaves):
            bad.append(_first_leaf_replaced(default, -1))
        if leaves and all(isinstance(x, str) for x in leaves):
            bad.append(_first_leaf_replaced(default, 3))
        return bad
    raise AssertionError(f"no invalid values for a default {default!r}")


def _leaves(v):
    return [x for item in v for x in _leaves(item)] if isinstance(v, list) else [v]


CASES = [(p, name) for p in PROBLEMS for name in p.defaults]


@pytest.mark.parametrize("problem,name", CASES, ids=[f"{p.id}-{n}" for p, n in CASES])
def test_invalid_parameter_raises_value_error_naming_it(problem, name):
    """Does every invalid value of this parameter raise ValueError with its name in the message?"""
    for value in _bad_values(problem.defaults[name]):
        with pytest.raises(ValueError) as info:
            problem.solve({name: value})
        assert name in str(info.value), (value, str(info.value))


# Invalid sets beyond a parameter's kind: zero sizes and strides, lengths that do not
# match, values outside the domain, names that are not symbols; (pid, params, names one of).
SPECIFIC = [
    ("hw1.p1", {"beta": 1.0}, "beta"), ("hw1.p1", {"beta": -0.5}, "beta"), ("hw1.p1", {"xs": []}, "xs"),
    ("hw1.p2", {"h": [1, 2]}, "h"), ("hw1.p2", {"f": []}, "f"),
    ("hw1.p3a", {"kernel_size": 0}, "kernel_size"), ("hw1.p3a", {"height": 0}, "height"),
    ("hw1.p3b", {"d": 0}, "d"), ("hw1.p3b", {"n_positions": 0}, "n_positions"),
    ("hw1.p4", {"size": 0}, "size"), ("hw1.p4", {"classes": 0}, "classes"),
    ("hw2.q2b", {"y": [1]}, "y"), ("hw2.q2b", {"x": []}, "x"),
    ("hw2.q2c", {"stride": 0}, "stride"), ("hw2.q2c", {"padding": 5}, "padding"), ("hw2.q2c", {"x": []}, "x"),
    ("hw2.q2c_1d", {"stride": 0}, "stride"), ("hw2.q2c_1d", {"inputs": []}, "inputs"),
    ("hw2.q2c_1d", {"kernel": ["x y"]}, "kernel"), ("hw2.q2c_1d", {"inputs": ["1a"]}, "inputs"),
    ("hw2.q3", {"layout": "XYZ"}, "layout"), ("hw2.q4", {"dy": []}, "dy"),
    ("hw2.q5", {"kernel_size": 0}, "kernel_size"), ("hw2.q5", {"c_in": 0}, "c_in"),
    ("hw2.q6", {"p": 0.0}, "p"), ("hw2.q6", {"p": 1.5}, "p"), ("hw2.q6", {"y": [1.0]}, "y"),
    ("hw3.q1", {"stride": 0}, "stride"), ("hw3.q1", {"convention": "bogus"}, "convention"),
    ("hw3.q2", {"kernel_sizes": [7, 7]}, "kernel_sizes"), ("hw3.q2", {"strides": [0, 1, 1]}, "strides"),
    ("hw3.q2", {"kernel_sizes": [0, 7, 7]}, "kernel_sizes"),
    ("hw3.q3", {"in_channels": 0}, "in_channels"), ("hw3.q3", {"layers": [[3]]}, "layers"),
    ("hw3.q3", {"layers": [[0, 4]]}, "layers"),
    ("hw3.q4", {"channels": 0}, "channels"), ("hw3.q4", {"kernel_size": 0}, "kernel_size"),
    ("hw3.q5", {"c_outer": 0}, "c_outer"), ("hw3.q5", {"c_inner": 0}, "c_inner"),
    ("hw3.q6", {"d": 0}, "d"), ("hw3.q6", {"n": 0}, "n"),
    ("hw3.q7", {"perm": [0, 0, 1, 2, 3]}, "perm"), ("hw3.q7", {"perm": [0, 1]}, "perm"), ("hw3.q7", {"D": 0}, "D"),
    ("hw3.q8", {"x": [0.0]}, "x"), ("hw3.q8", {"x": [1.5]}, "x"), ("hw3.q8", {"x": []}, "x"),
    ("hw3.q9", {"batch_size": 0}, "batch_size"), ("hw3.q9", {"dataset_size": 0}, "dataset_size"),
    ("hw3.q10", {"beta": 1.5}, "beta"), ("hw3.q10", {"beta": 1.0}, "beta"),
    ("hw4.q1", {"m": 0}, "m"), ("hw4.q1", {"X": [[1.0]]}, "X"),
    ("hw4.q2", {"in_shape": [3, 200]}, "in_shape"), ("hw4.q2", {"stride": 0}, "stride"),
    ("hw4.q2", {"in_shape": [0, 10, 10]}, "in_shape"), ("hw4.q2", {"kernel_size": 0}, "kernel_size"),
    ("hw4.q3", {"x": [1.0]}, "x"), ("hw4.q3", {"dy": [1.0]}, "dy"), ("hw4.q3", {"eps": -1.0}, "eps"),
    ("hw4.q4", {"in_size": 4}, "in_size"), ("hw4.q4", {"classes": 0}, "classes"),
]


@pytest.mark.parametrize("pid,params,name", SPECIFIC, ids=[f"{p}-{v}" for p, v, _ in SPECIFIC])
def test_invalid_set_raises_value_error_naming_the_parameter(pid, params, name):
    """Does this invalid set raise ValueError, its message naming the offending parameter?"""
    with pytest.raises(ValueError) as info:
        registry.get(pid).solve(params)
    assert name in str(info.value), str(info.value)


def test_every_problem_has_specific_invalid_sets():
    """Is every registered problem probed beyond its parameters' kinds?"""
    assert {p.id for p in PROBLEMS} - {pid for pid, _, _ in SPECIFIC} == set()
