"""Checkers: judge a student's answers against the reference library (hwlib's registry).

The grading is split in two so that student code never needs hwlib:

* :func:`cases` says WHAT to ask. For a function question it returns the
  seed's parameters first, then parameters freshly drawn from the registry's
  ``sample(rng)`` (so a hard-coded number cannot pass); each case holds the
  keyword arguments (JSON data) the student's function is called with. For a
  value question there is one case with ``args`` None: "read the variable".
* :func:`score` judges the answers, outside any sandbox. ``outputs[i]`` is
  ``{"ok": True, "value": <json>}`` or ``{"ok": False, "error": "Type: msg"}``
  for ``cases[i]``. It recomputes the reference with the registry, compares
  under the tolerances below, and gives partial credit per check, with one
  plain message line per check. It never raises.
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

Problem ids are the manifest's ids (``assignments/manifest.json``). Most are
registry ids; a few extra answers of one registry problem carry a suffix
(``hw2.q4_formula``, ``hw4.q1_shapes``, ``hw1.p4_layers``) and name their
registry problem in :data:`SPECS` (and in the manifest's ``reference``).
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import re
import signal
import threading
import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .scoring import NotGraded

__all__ = ["cases", "score", "check", "answer_names", "load_manifest", "manifest_entry",
           "SPECS", "RTOL", "ATOL", "FORMULA_RTOL", "N_DRAWN", "CALL_TIME_LIMIT_S"]

RTOL = 1e-6           # relative tolerance for real-valued answers
ATOL = 1e-9           # absolute tolerance (answers that should be 0)
FORMULA_RTOL = 1e-9   # two formulas agree at a sample point to this relative error
N_DRAWN = 3           # freshly drawn parameter sets per function question
CALL_TIME_LIMIT_S = 10.0   # per call of a student function in check()
MAX_FORMULA_CHARS = 500
MAX_WRONG_ENTRIES = 3      # wrong entries named in one message

MANIFEST_ENV = "HWLIB_MANIFEST"
_DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "assignments" / "manifest.json"


class Mismatch(Exception):
    """An answer that does not have the expected form (message says what is wrong)."""


# ============================================================ formatting
def _fmt(v: Any) -> str:
    """A number as a student would write it (6 significant digits)."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isfinite(v) and v == round(v) and abs(v) < 1e15:
            return str(int(round(v)))
        return f"{v:.6g}"
    return _short(v)


def _short(v: Any, limit: int = 60) -> str:
    """A value shortened for a message."""
    try:
        text = json.dumps(v) if not isinstance(v, str) else repr(v)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _kind(v: Any) -> str:
    """What a value is, in words."""
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "a bool"
    if isinstance(v, (int, float)):
        return f"the number {_fmt(v)}"
    if isinstance(v, str):
        return f"the string {_short(v, 40)}"
    if isinstance(v, list):
        return f"a list of length {len(v)}"
    if isinstance(v, dict):
        return "a dict with keys " + ", ".join(sorted(map(str, v)))[:80]
    return type(v).__name__


def _index(i: tuple) -> str:
    return str(i[0]) if len(i) == 1 else "(" + ",".join(str(int(k)) for k in i) + ")"


def _shape(a: np.ndarray) -> str:
    return "a scalar" if a.ndim == 0 else "(" + ", ".join(map(str, a.shape)) + \
        ("," if a.ndim == 1 else "") + ")"


# ============================================================ comparisons
def _as_number(v: Any, what: str) -> float:
    """A real number from an answer (ints, floats, numeric strings such as '3/2')."""
    if isinstance(v, bool) or v is None:
        raise Mismatch(f"{what} should be a number, got {_kind(v)}")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(Fraction(v.strip()))
        except (ValueError, ZeroDivisionError):
            pass
    if isinstance(v, list) and len(v) == 1:
        return _as_number(v[0], what)
    raise Mismatch(f"{what} should be a number, got {_kind(v)}")


def _as_array(v: Any, what: str) -> np.ndarray:
    """A float array from nested lists of numbers."""
    if isinstance(v, (str, dict)) or v is None:
        raise Mismatch(f"{what} should be an array of numbers, got {_kind(v)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise Mismatch(f"{what} should be a (rectangular) array of numbers, "
                       f"got {_short(v)}") from None
    return a


def _wrong_entries(prefix: str, e: np.ndarray, g: np.ndarray, bad: np.ndarray) -> str:
    """The message naming the first MAX_WRONG_ENTRIES entries where ``bad`` is set."""
    if e.ndim == 0:
        return f"{prefix}should be {_fmt(e.item())}, got {_fmt(g.item())}"
    wrong = [tuple(int(k) for k in i) for i in zip(*np.nonzero(bad))]
    parts = [f"entry {_index(i)} should be {_fmt(e[i].item())}, got {_fmt(g[i].item())}"
             for i in wrong[:MAX_WRONG_ENTRIES]]
    more = f" (and {len(wrong) - MAX_WRONG_ENTRIES} more wrong)" if len(wrong) > MAX_WRONG_ENTRIES else ""
    return prefix + "; ".join(parts) + more


def _close(expected: Any, got: Any, what: str = "", rtol: float = RTOL,
           atol: float = ATOL) -> str | None:
    """None when got matches expected entrywise, else a message naming wrong entries."""
    e = np.asarray(expected, dtype=np.float64)
    g = _as_array(got, what or "the answer")
    prefix = f"{what}: " if what else ""
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if g.shape != e.shape:
        return f"{prefix}shape should be {_shape(e)}, got {_shape(g)}"
    bad = ~np.isfinite(g) | ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    return _wrong_entries(prefix, e, g, bad)


def _exact(expected: Any, got: Any, what: str = "") -> str | None:
    """None when got equals the integer (or nested list of integers) expected."""
    e = np.asarray(expected)
    g = _as_array(got, what or "the answer")
    prefix = f"{what}: " if what else ""
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if g.shape != e.shape:
        if e.ndim == 0:
            return f"{prefix}should be the single number {_fmt(e.item())}, got {_short(got)}"
        return f"{prefix}shape should be {_shape(e)}, got {_shape(g)}"
    bad = ~np.isfinite(g) | (g != e)
    if not bad.any():
        return None
    return _wrong_entries(prefix, e, g, bad)


def _parts(*checks: Callable[[], str | None]) -> list[str | None]:
    """Run each part's check (None or a message); a Mismatch becomes that part's message."""
    out = []
    for check in checks:
        try:
            out.append(check())
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _per_key(compare, expected: dict, got: Any, keys) -> list[str | None]:
    """One check per key: compare(expected[key], got[key])."""
    return _parts(*(lambda k=k: compare(expected[k], _key(got, k)) for k in keys))


def _key(got: Any, key: str) -> Any:
    """got[key] for a dict answer, with a message when it is missing."""
    if not isinstance(got, dict):
        raise Mismatch(f"should be a dict with the key {key!r}, got {_kind(got)}")
    if key not in got:
        raise Mismatch(f"the dict has no key {key!r} (keys: {', '.join(sorted(got)) or 'none'})")
    return got[key]


# ============================================================ formulas (sympy)
_FORMULA_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^().,\s]*$")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_LITERAL = 10 ** 9


def _sympy():
    import sympy
    return sympy


def _functions() -> dict:
    sp = _sympy()
    return {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "pi": sp.pi,
            "E": sp.E, "Abs": sp.Abs, "abs": sp.Abs}


def parse_formula(text: Any, names: dict[str, Any]):
    """Parse a student's formula string into a sympy expression, safely.

    Only the characters of arithmetic, the identifiers in ``names`` and a few
    functions (exp, log, sqrt, pi, E, Abs) are allowed; ``^`` means power.
    Exponents may not contain further powers (no ``9**9**9``). Raises Mismatch
    with a message the student can act on.
    """
    from . import formula
    try:
        return formula.parse(text, names, _functions())
    except formula.FormulaError as exc:
        raise Mismatch(str(exc)) from None


def _guard_formula(expr) -> None:
    """Reject formulas whose evaluation could explode (huge literals, towers of powers)."""
    sp = _sympy()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Integer) and abs(int(node)) > _MAX_LITERAL:
            raise Mismatch("the formula contains a number that is too large")
        if isinstance(node, sp.Pow):
            exp = node.exp
            if exp.is_Number and abs(float(exp)) > 100:
                raise Mismatch("the formula contains an exponent larger than 100")
            for inner in sp.preorder_traversal(exp):
                if isinstance(inner, sp.Pow) and not (inner.exp == -1):
                    raise Mismatch("powers inside exponents are not accepted; simplify the formula")


def _equivalent(student, reference, points: list[dict]) -> tuple[bool, str]:
    """Whether two sympy expressions are equal: exactly after expand, or at all points.

    Returns (ok, detail); on a mismatch the detail names the first point where
    they differ and both values there.
    """
    from . import formula
    try:
        return formula.equivalent(student, reference, [{str(k): v for k, v in pt.items()}
                                                       for pt in points], FORMULA_RTOL)
    except formula.FormulaError as exc:
        return False, str(exc)


def _point(pt: dict) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in pt.items())


def _fmt_c(z: complex) -> str:
    return _fmt(z.real) if abs(z.imag) < 1e-12 else f"{z.real:.6g}{z.imag:+.6g}i"


def _symbols(*names: str) -> dict:
    sp = _sympy()
    return {n: sp.Symbol(n) for n in names}


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
    extra(rng) -> [(label, params)] further fixed cases after the seed's.
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
    diagnose: Callable | None = None
    value_label: str = "your answer"


def _identity_args(params, rng):
    return dict(params)


def _one(msg: str | None) -> list:
    return [msg]


# ---- homework 1 ------------------------------------------------------------
def _cmp_ema(sol, got, args):
    return _one(_close(sol["debiased"], got))


def _diag_ema(sol, got, args):
    try:
        if _close(sol["ema"], got) is None:
            return ("these are the raw averages mu_n without bias correction: "
                    "divide each by 1 - beta**n")
    except Mismatch:
        pass
    return None


def _cmp_shift(sol, got, args):
    return _per_key(_close, sol, got, ("conv_of_shifted", "shifted_conv"))


def _conv_dense_symbols():
    return _symbols("H", "W", "C_in", "C_out", "k")


def _cmp_conv_dense(sol, got, args):
    names = _conv_dense_symbols()
    seed = {"H": 32, "W": 32, "C_in": 3, "C_out": 16, "k": 3}
    points = [seed, {"H": 7, "W": 5, "C_in": 2, "C_out": 9, "k": 5},
              {"H": 1, "W": 3, "C_in": 11, "C_out": 4, "k": 1}]
    out = []
    for key, ref in (("conv", sol["conv_formula"]), ("dense", sol["dense_formula"])):
        try:
            student = parse_formula(_key(got, key), names)
            ok, detail = _equivalent(student, parse_formula(ref, names), points)
            out.append(None if ok else f"not the parameter count: {detail}")
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _cmp_eurosat_layers(sol, got, args):
    rows = sol["layers"][1:]  # the input row has no layer
    out = []
    try:
        out.append(_exact([r["params"] for r in rows], _key(got, "params"), "params per layer"))
    except Mismatch as exc:
        out.append(str(exc))
    try:
        outputs = _key(got, "outputs")
        if not isinstance(outputs, list) or len(outputs) != len(rows):
            raise Mismatch(f"outputs should list {len(rows)} shapes (one per layer), "
                           f"got {_kind(outputs)}")
        msg = None
        for r, g in zip(rows, outputs):
            m = _exact(r["output"], g, f"output of {r['layer']}")
            if m:
                msg = m
                break
        out.append(msg)
    except Mismatch as exc:
        out.append(str(exc))
    for key, ref in (("total", sol["total"]), ("total_bn", sol["total_bn"])):
        try:
            out.append(_exact(ref, _key(got, key)))
        except Mismatch as exc:
            out.append(str(exc))
    return out


# ---- homework 2 ------------------------------------------------------------
def _accept_filter(params):
    from .. import registry
    w = registry.get("hw2.q2b").solve(params)
    return w[0] != w[-1]  # a palindrome would hide a flipped kernel


def _diag_filter(sol, got, args):
    try:
        if _close(sol[::-1], got) is None:
            return ("this is the filter reversed: the course uses cross-correlation "
                    "(no kernel flip), y[i] = sum_j w[j] x[i+j]")
    except Mismatch:
        pass
    return None


def _cmp_array(sol, got, args):
    return _one(_close(sol, got))


def _cmp_exact(sol, got, args):
    return _one(_exact(sol, got))


def _cmp_symbolic_list(sol, got, args):
    names = _symbols(*args["inputs"], *args["kernel"])
    if not isinstance(got, list):
        return _one(f"should be a list of {len(sol)} strings, got {_kind(got)}")
    if len(got) != len(sol):
        return _one(f"length should be {len(sol)}, got {len(got)}")
    sp = _sympy()
    for i, (ref, entry) in enumerate(zip(sol, got)):
        try:
            student = parse_formula(entry, names)
        except Mismatch as exc:
            return _one(f"entry {i}: {exc}")
        reference = sp.sympify(ref, locals=names)
        if not _equivalent(student, reference, [])[0]:
            return _one(f"entry {i} should be {ref}, got {entry}")
    return _one(None)


def _cmp_norm_axes(sol, got, args):
    out = []
    for key, ref_key in (("batch_norm", "batch_norm_axes"), ("layer_norm", "layer_norm_axes")):
        try:
            axes = _key(got, key)
            if not isinstance(axes, list) or not all(
                    isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise Mismatch(f"{key} should be a list of integer axes, got {_kind(axes)}")
            want = sorted(sol[ref_key])
            out.append(None if sorted(axes) == want else
                       f"{key} should average over axes {want} of layout "
                       f"{args['layout']}, got {sorted(axes)}")
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _extra_meanonly(rng):
    from .. import registry
    params = registry.get("hw2.q4").sample(rng)
    return [("batch of one", {**params, "dy": params["dy"][:1]})]


def _cmp_meanonly(sol, got, args):
    return _one(_close(sol["dx"], got))


def _diag_meanonly(sol, got, args):
    try:
        if _close([args["gamma"] * g for g in args["dy"]], got) is None and len(args["dy"]) > 0:
            return "this is gamma*g_i: the batch mean also depends on x_i, subtract gamma*mean(g)"
    except Mismatch:
        pass
    return None


def _cmp_meanonly_formula(sol, got, args):
    sp = _sympy()
    names = _symbols("gamma", "g_i", "gbar", "g", "S", "n")
    mean = sp.Function("mean")
    names["mean"] = mean

    def normal(expr):
        # mean(g), S/n and gbar all name the batch average of the g_j.
        return expr.subs(mean(names["g"]), names["gbar"]).subs(
            names["S"], names["n"] * names["gbar"])

    try:
        student = normal(parse_formula(got, names))
    except Mismatch as exc:
        return _one(str(exc))
    reference = normal(parse_formula(sol["formula"], names))
    points = [{"gamma": 1.5, "g_i": 0.5, "gbar": 0.40625, "n": 4, "g": 0.1},
              {"gamma": -2.0, "g_i": 3.0, "gbar": -1.25, "n": 7, "g": 0.3}]
    ok, detail = _equivalent(student, reference, points)
    return _one(None if ok else f"not dL/dx_i: {detail}")


def _cmp_separable(sol, got, args):
    return _per_key(_exact, sol, got, ("standard", "depthwise", "pointwise", "separable"))


def _cmp_dropout(sol, got, args):
    return _per_key(_close, sol, got,
                    ("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms"))


# ---- homework 3 ------------------------------------------------------------
def _args_dilated(params, rng):
    k = 2 if rng is None else int(rng.integers(1, 7))
    return {"kernel_size": params["kernel_size"], "dilation": params["dilation"],
            "stride": params["stride"], "k": k}


def _params_dilated(args):
    return {"kernel_size": args["kernel_size"], "dilation": args["dilation"],
            "stride": args["stride"], "convention": "zeros"}


def _dilated_indices(sol, args):
    start = 1 + args["stride"] * (args["k"] - 1)
    return [start + off for off in sol["tap_offsets"]]


def _cmp_dilated(sol, got, args):
    return _one(_exact(_dilated_indices(sol, args), got))


def _diag_dilated(sol, got, args):
    d, s, k = args["dilation"], args["stride"], args["k"]
    start = 1 + s * (k - 1)
    for spacing, hint in ((d, f"taps are {d} apart: dilation {d} inserts {d} zeros, "
                              f"so taps are dilation + 1 = {d + 1} apart"),
                          (d + 2, f"taps are {d + 2} apart: dilation {d} inserts {d} zeros, "
                                  f"so taps are dilation + 1 = {d + 1} apart")):
        wrong = [start + j * spacing for j in range(args["kernel_size"])]
        try:
            if spacing >= 1 and _exact(wrong, got) is None:
                return hint
        except Mismatch:
            return None
    return None


def _args_rf(params, rng):
    return {k: params[k] for k in ("kernel_sizes", "strides", "dilations")}


def _params_rf(args):
    return {**args, "convention": "zeros"}


def _cmp_conv1d(sol, got, args):
    want = [[r["weights"], r["biases"]] for r in sol["layers"]]
    return _one(_exact(want, got))


def _cmp_bottleneck(sol, got, args):
    return _per_key(_exact, sol, got, ("sequences", "total"))


_ATTENTION_POINTS = [(64, 10), (1, 1), (3, 7), (10, 2), (5, 33)]


def _cmp_attention_formulas(sol, got, args):
    from .. import registry
    names = _symbols("D", "N")
    problem = registry.get("hw3.q6")
    refs = [(d, n, problem.solve({"d": d, "n": n})) for d, n in _ATTENTION_POINTS]
    out = []
    for key in ("attention_weights", "attention_biases", "dense_weights", "dense_biases"):
        part, sub = key.split("_")
        try:
            student = parse_formula(_key(got, key), names)
            msg = None
            for d, n, ref in refs:
                want = ref[part][sub]
                ok, msg = _equivalent(student, student * 0 + want, [{"D": d, "N": n}])
                if not ok:
                    break
                msg = None
            out.append(msg)
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _cmp_equivariance(sol, got, args):
    out = []
    for key in ("max_abs_diff", "max_abs_diff_with_positional_encoding"):
        try:
            value = _as_number(_key(got, key), key)
            want = sol[key]
            if key == "max_abs_diff":
                # rounding noise: both must be (numerically) zero
                ok = abs(value) <= 1e-9
                out.append(None if ok else f"should be 0 up to rounding (below 1e-9), got {_fmt(value)}")
            else:
                out.append(_close(want, value))
        except Mismatch as exc:
            out.append(str(exc))
    for key in ("equivariant", "equivariant_with_positional_encoding"):
        try:
            value = _key(got, key)
            if not isinstance(value, bool):
                raise Mismatch(f"should be True or False, got {_kind(value)}")
            out.append(None if value == sol[key] else f"should be {sol[key]}, got {value}")
        except Mismatch as exc:
            out.append(str(exc))
    return out


def _cmp_density(sol, got, args):
    from .. import registry
    names = _symbols("x")
    try:
        student = parse_formula(got, names)
    except Mismatch as exc:
        return _one(str(exc))
    reference = parse_formula(sol["expr"], names)
    xs = list(registry.get("hw3.q8").defaults["x"]) + [0.03, 0.37, 0.61, 0.97]
    ok, detail = _equivalent(student, reference, [{"x": x} for x in xs])
    return _one(None if ok else f"not the density of sigmoid(z): {detail}")


def _cmp_epochs(sol, got, args):
    return _one(_close(sol, _as_number(got, "the number of epochs")))


def _cmp_momentum(sol, got, args):
    return _one(_close(sol["weights"], got))


# ---- homework 4 ------------------------------------------------------------
def _args_mlp(params, rng):
    from .. import registry
    inputs = registry.get("hw4.q1").solve(params)["inputs"]
    return {k: inputs[k] for k in ("X", "W_h", "b_h", "W_o", "b_o")}


def _params_mlp(args):
    return {"m": len(args["X"]), "seed": 0, "output_relu": True, **args}


def _cmp_mlp(sol, got, args):
    return _one(_close(sol["Y"], got))


def _diag_mlp(sol, got, args):
    from .. import mlp
    try:
        linear = mlp.mlp_forward(args["X"], args["W_h"], args["b_h"], args["W_o"], args["b_o"],
                                 output_relu=False)
        if not np.allclose(linear, sol["Y"]) and _close(linear, got) is None:
            return "the output layer also applies ReLU (every neuron uses ReLU)"
    except Exception:
        pass
    return None


def _args_shapes(params, rng):
    return {"m": params["m"]}


def _params_shapes(args):
    return {"m": args["m"]}


_SHAPE_KEYS = ("X", "W_h", "b_h", "W_o", "b_o", "Y")


def _cmp_shapes(sol, got, args):
    return _per_key(_exact, sol["shapes"], got, _SHAPE_KEYS)


def _cmp_same_stack(sol, got, args):
    layers = sol["layers"]
    return _parts(
        lambda: _exact([layer["params"] for layer in layers], _key(got, "params"), "params per layer"),
        lambda: _exact([layer["output"] for layer in layers], _key(got, "outputs"), "output shapes"),
        lambda: _exact(sol["total"], _key(got, "total")))


def _cmp_bn_backward(sol, got, args):
    return _per_key(_close, sol, got, ("dx", "dgamma", "dbeta"))


def _diag_bn_backward(sol, got, args):
    try:
        x = np.asarray(args["x"], dtype=np.float64)
        g = np.asarray(args["dy"], dtype=np.float64)
        m = x.shape[0]
        if m < 2:
            return None
        gamma, eps = np.asarray(args["gamma"], dtype=np.float64), float(args.get("eps", 1e-5))
        var = x.var(axis=0, ddof=1)  # the unbiased estimator: the known mistake
        xhat = (x - x.mean(axis=0)) / np.sqrt(var + eps)
        if _close((g * xhat).sum(axis=0), _key(got, "dgamma")) is None:
            return ("it matches the unbiased variance (divide by m - 1); batch norm uses "
                    "the biased batch variance (divide by m)")
    except Exception:
        pass
    return None


def _cmp_lenet(sol, got, args):
    return _parts(
        lambda: _exact([layer["params"] for layer in sol["layers"]], _key(got, "layers"),
                       "params per layer"),
        lambda: _exact(sol["total"], _key(got, "total")))


SPECS: dict[str, Spec] = {
    # homework 1
    "hw1.p1": Spec("hw1.p1", "function", "ema_debiased", _cmp_ema, diagnose=_diag_ema),
    "hw1.p2": Spec("hw1.p2", "function", "shift_check", _cmp_shift,
                   checks=("conv_of_shifted", "shifted_conv")),
    "hw1.p3a": Spec("hw1.p3a", "value", "param_formulas", _cmp_conv_dense,
                    checks=("conv", "dense")),
    "hw1.p3b": Spec("hw1.p3b", "function", "positional_encoding", _cmp_array),
    "hw1.p4_layers": Spec("hw1.p4", "function", "eurosat_cnn_summary", _cmp_eurosat_layers,
                          checks=("params", "outputs", "total", "total_bn")),
    # graded from the saved file by hwlib.train.grade_trained_model (no compare needed)
    "hw1.p4": Spec("hw1.p4", "model_file", "eurosat_model.pt", _cmp_array,
                   value_label="eurosat_model.pt"),
    # homework 2
    "hw2.q2b": Spec("hw2.q2b", "function", "filter_from_output", _cmp_array,
                    accept=_accept_filter, diagnose=_diag_filter),
    "hw2.q2c": Spec("hw2.q2c", "function", "transpose_conv2d", _cmp_array),
    "hw2.q2c_1d": Spec("hw2.q2c_1d", "function", "transpose_conv1d_symbolic", _cmp_symbolic_list),
    "hw2.q3": Spec("hw2.q3", "function", "norm_axes", _cmp_norm_axes,
                   checks=("batch_norm", "layer_norm")),
    "hw2.q4": Spec("hw2.q4", "function", "meanonly_bn_backward", _cmp_meanonly,
                   extra=_extra_meanonly, diagnose=_diag_meanonly),
    "hw2.q4_formula": Spec("hw2.q4", "value", "meanonly_bn_formula", _cmp_meanonly_formula),
    "hw2.q5": Spec("hw2.q5", "function", "separable_params", _cmp_separable,
                   checks=("standard", "depthwise", "pointwise", "separable")),
    "hw2.q6": Spec("hw2.q6", "function", "dropout_ridge", _cmp_dropout,
                   checks=("expected_loss", "ridge_weights", "X_tilde", "effective_column_norms")),
    # homework 3
    "hw3.q1": Spec("hw3.q1", "function", "dilated_input_indices", _cmp_dilated,
                   make_args=_args_dilated, to_params=_params_dilated, diagnose=_diag_dilated),
    "hw3.q2": Spec("hw3.q2", "function", "receptive_field", _cmp_exact,
                   make_args=_args_rf, to_params=_params_rf),
    "hw3.q3": Spec("hw3.q3", "function", "conv1d_params", _cmp_conv1d),
    "hw3.q4": Spec("hw3.q4", "function", "bn_relu_conv_params", _cmp_exact),
    "hw3.q5": Spec("hw3.q5", "function", "count_params_bottleneck", _cmp_bottleneck,
                   checks=("sequences", "total")),
    "hw3.q6": Spec("hw3.q6", "value", "attention_param_formulas", _cmp_attention_formulas,
                   checks=("attention_weights", "attention_biases", "dense_weights",
                           "dense_biases")),
    "hw3.q7": Spec("hw3.q7", "function", "equivariance_gaps", _cmp_equivariance,
                   checks=("max_abs_diff", "max_abs_diff_with_positional_encoding",
                           "equivariant", "equivariant_with_positional_encoding")),
    "hw3.q8": Spec("hw3.q8", "value", "p_x", _cmp_density),
    "hw3.q9": Spec("hw3.q9", "function", "epochs", _cmp_epochs),
    "hw3.q10": Spec("hw3.q10", "function", "momentum_weights", _cmp_momentum),
    # homework 4
    "hw4.q1_shapes": Spec("hw4.q1", "function", "network_shapes", _cmp_shapes,
                          checks=_SHAPE_KEYS, make_args=_args_shapes, to_params=_params_shapes),
    "hw4.q1": Spec("hw4.q1", "function", "relu_network", _cmp_mlp, make_args=_args_mlp,
                   to_params=_params_mlp, diagnose=_diag_mlp),
    "hw4.q2": Spec("hw4.q2", "function", "same_conv_stack", _cmp_same_stack,
                   checks=("params", "outputs", "total")),
    "hw4.q3": Spec("hw4.q3", "function", "bn_backward", _cmp_bn_backward,
                   checks=("dx", "dgamma", "dbeta"), diagnose=_diag_bn_backward),
    "hw4.q4": Spec("hw4.q4", "function", "lenet5_params", _cmp_lenet,
                   checks=("layers", "total")),
}


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


def cases(problem_id: str, rng=None) -> list[dict]:
    """The argument sets to call the student's answer with (see the module docstring).

    rng: a numpy Generator or a seed; None draws fresh parameters.
    """
    from .. import registry

    spec = _spec(problem_id)
    if spec.kind != "function":
        return [{"label": spec.value_label, "args": None}]
    rng = _rng(rng)
    problem = registry.get(spec.reference)
    make = spec.make_args or _identity_args
    out = [{"label": "seed example", "args": make(problem.defaults, None)}]
    for label, params in (spec.extra(rng) if spec.extra else []):
        out.append({"label": label, "args": make(params, rng)})
    seen = {json.dumps(c["args"], sort_keys=True) for c in out}
    for i in range(N_DRAWN):
        args = None
        for _ in range(100):
            params = problem.sample(rng)
            if spec.accept is not None and not spec.accept(params):
                continue
            candidate = make(params, rng)
            key = json.dumps(candidate, sort_keys=True)
            if key in seen or not _solvable(spec, candidate):
                continue  # a repeat teaches nothing; an unsolvable draw has no answer
            args = candidate
            break
        if args is None:  # a sampler with very few distinct cases: allow a repeat
            args = make(problem.sample(rng), rng)
        seen.add(json.dumps(args, sort_keys=True))
        out.append({"label": f"random case {i + 1}", "args": args})
    return json.loads(json.dumps(out))  # plain JSON data, nothing shared


def _solvable(spec: Spec, args) -> bool:
    """Whether the reference has an answer for these arguments (e.g. no empty epoch)."""
    try:
        _solution(spec, args)
    except Exception:
        return False
    return True


def _solution(spec: Spec, args):
    from .. import registry

    problem = registry.get(spec.reference)
    if args is None:
        return problem.solve({})
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
    results: list[tuple[bool, str]] = []
    if len(outputs) < len(case_list):
        outputs = outputs + [{"ok": False, "error": "no result"}] * (len(case_list) - len(outputs))
    for case, out in zip(case_list, outputs):
        label = str(case.get("label", "case")) if isinstance(case, dict) else "case"
        args = case.get("args") if isinstance(case, dict) else None
        results.extend(_judge_case(spec, label, args, out))
    if not results:
        return 0.0, ["no checks were run"]
    passed = sum(ok for ok, _ in results)
    return passed / len(results), [msg for _, msg in results]


def _judge_case(spec: Spec, label: str, args, out) -> list[tuple[bool, str]]:
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
        solution = _solution(spec, args)
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
        fraction, message = grade_trained_model(path)
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
        print(f"{problem_id}: {earned:g} of {points:g} points")
    except BaseException:
        pass
    return earned
