"""The problem registry: one entry per homework sub-problem.

Each :class:`Problem` carries an id (``hw2.q2c``), a slug (the folder
``hwlib/problems/<slug>/`` it comes from), a one-line title, its
parameters with the seed's values as defaults, a ``solve`` that returns the
reference answer as plain JSON data, and a ``sample`` that draws another valid
set of parameters from a seeded ``numpy.random.Generator`` (the assignments
hand each student, and each grading run, such variants).

The registry is filled from the problem folders (``reference.py``: DEFAULTS,
``sample``, ``solve``) and is what the CLI, the assignments' checkers, the
book and the tests all read. A problem is found by its id, its slug (with
dashes or underscores) or its homework label (``hw2.2c``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

__all__ = ["Problem", "register", "get", "resolve", "labels", "problems", "solve", "to_jsonable",
           "UnknownProblem", "UnknownParameter"]


class UnknownProblem(KeyError):
    """Raised for an id that is not in the registry."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return self.args[0]


class UnknownParameter(ValueError):
    """Raised for a parameter name that the problem does not take."""


@dataclass(frozen=True)
class Problem:
    """One homework sub-problem with a reference answer."""

    id: str
    title: str
    defaults: dict[str, Any]
    solver: Callable[..., Any] = field(repr=False)
    sampler: Callable[[np.random.Generator], dict[str, Any]] | None = field(
        default=None, repr=False)
    homework: str = ""
    slug: str = ""
    rules: dict[str, dict] = field(default_factory=dict, repr=False)

    def params(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The defaults updated with ``overrides``; unknown names raise."""
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.defaults))
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "(none)"
            raise UnknownParameter(
                f"{self.id} has no parameter {', '.join(unknown)}; "
                f"its parameters are: {known}")
        return {**self.defaults, **overrides}

    def solve(self, overrides: dict[str, Any] | None = None) -> Any:
        """Reference answer, as JSON-ready data, for the given parameters.

        A parameter not of its default's kind (hwlib.validate) raises ValueError naming it.
        """
        from .validate import check_params

        params = self.params(overrides)
        check_params(params, self.defaults, self.rules)
        return to_jsonable(self.solver(**params))

    def sample(self, rng: np.random.Generator | int) -> dict[str, Any]:
        """Draw another valid parameter set (the defaults when none is defined)."""
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        if self.sampler is None:
            return dict(self.defaults)
        drawn = to_jsonable(self.sampler(rng))
        return self.params(drawn)


_REGISTRY: dict[str, Problem] = {}


def register(id: str, title: str, defaults: dict[str, Any],
             sample: Callable[[np.random.Generator], dict[str, Any]] | None = None):
    """Decorator: register ``solve(**params)`` as the reference for ``id``."""

    def wrap(solver: Callable[..., Any]) -> Callable[..., Any]:
        if id in _REGISTRY:
            raise ValueError(f"problem id {id!r} registered twice")
        _REGISTRY[id] = Problem(id=id, title=title, defaults=dict(defaults),
                                solver=solver, sampler=sample,
                                homework=id.split(".")[0])
        return solver

    return wrap


_ALIASES: dict[str, str] = {}


def _load() -> None:
    """Register every problem folder that has a reference.py (once)."""
    if _ALIASES:
        return
    from .problems import folders, homeworks

    try:
        placed = homeworks.locate()
    except (OSError, ValueError):  # no homework files (an installed package): no labels
        placed = {}
    for f in folders().values():
        if f.has_reference and f.registry_id not in _REGISTRY:
            ref = f.module("reference")
            _REGISTRY[f.registry_id] = Problem(
                id=f.registry_id, title=f.title, defaults=dict(ref.DEFAULTS), solver=ref.solve,
                sampler=ref.sample, homework=placed.get(f.slug, (f.registry_id.split(".")[0],))[0],
                slug=f.slug, rules={k: dict(getattr(ref, k, {})) for k in
                                  ("LIMITS", "MINIMUM", "SHAPES", "INTERVALS")})
    for f in folders().values():
        target = f.registry_id if f.has_reference else None
        if target is None and f.reference_slug:
            target = folders()[f.reference_slug].registry_id
        if target is None:
            continue
        _ALIASES.setdefault(f.slug, target)
        _ALIASES.setdefault(f.id, target)
        if f.slug in placed:
            hw, entry = placed[f.slug]
            _ALIASES.setdefault(f"{hw}.{homeworks.compact_label(entry.label)}", target)


def labels() -> dict[str, str]:
    """{registry id: the homework label of its folder, as hw2.2(c)} (where a homework lists it)."""
    _load()
    from .problems import homeworks

    try:
        placed = homeworks.locate()
    except (OSError, ValueError):
        return {}
    return {p.id: f"{placed[p.slug][0]}.{placed[p.slug][1].label}"
            for p in _REGISTRY.values() if p.slug in placed}


def resolve(name: str) -> str:
    """The registry id that an id, a slug or a homework label (``hw2.2c``) names."""
    _load()
    if name in _REGISTRY:
        return name
    key = name.strip()
    for candidate in (key, key.replace("-", "_").lower(), _label_key(key)):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    return name


def _label_key(name: str) -> str:
    hw, _, label = name.partition(".")
    return f"{hw}.{re.sub(r'[^0-9a-z]', '', label.lower())}"


def get(id: str) -> Problem:
    """The problem with this id, slug or label; an unknown one raises UnknownProblem."""
    _load()
    try:
        return _REGISTRY[resolve(id)]
    except KeyError:
        close = [p for p in _REGISTRY if p.split(".")[0] == id.split(".")[0]]
        hint = f" (known in {id.split('.')[0]}: {', '.join(close)})" if close else ""
        raise UnknownProblem(
            f"unknown problem id {id!r}{hint}; `python -m hwlib problems` lists them") from None


def problems() -> list[Problem]:
    """Every registered problem, sorted by homework and then by sub-problem."""
    _load()
    return sorted(_REGISTRY.values(), key=lambda p: _natural_key(p.id))


def _natural_key(id: str) -> list:
    # hw2.q10 after hw2.q9: compare digit runs as numbers
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", id)]


def solve(id: str, **overrides: Any) -> Any:
    """Shortcut: ``get(id).solve(overrides)``."""
    return get(id).solve(overrides)


def practice(id: str, seed: int = 2026) -> dict[str, Any]:
    """Parameters for teaching: drawn by the problem's sampler, with an answer that
    differs from the graded one (the answer for the defaults).

    The site works its examples on these, so that no page shows a graded answer
    before the homework's solutions are released.
    """
    problem = get(id)
    graded = problem.solve()
    for s in range(seed, seed + 100):
        params = problem.sample(s)
        if params != problem.params() and problem.solve(params) != graded:
            return params
    raise ValueError(f"{problem.id}: no parameter set with another answer in 100 draws "
                     f"(has the problem a sampler?)")


def to_jsonable(value: Any) -> Any:
    """Convert numpy, torch, sympy, Fraction and tuples to JSON data.

    Integral floats stay floats; integral Fractions and sympy Integers become
    ints; other sympy expressions become their ``str`` form.
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if value is None or isinstance(value, str):
        return value
    mod = type(value).__module__
    if mod.startswith("torch"):
        return to_jsonable(value.detach().cpu().numpy())
    if mod.startswith("sympy"):
        import sympy
        if isinstance(value, sympy.Integer):
            return int(value)
        if isinstance(value, sympy.Rational):
            return float(value)
        if isinstance(value, sympy.MatrixBase):
            return [[to_jsonable(e) for e in row] for row in value.tolist()]
        return str(value)
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), indent=2)
