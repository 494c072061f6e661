"""The course's problems: one folder per problem, named by its slug.

A folder ``hwlib/problems/<slug>/`` holds everything about one problem (see
docs/add-a-problem.md):

* ``problem.yaml``: slug, grading id, title, kind (function, value,
  model_file, manual), the answer's name, and ``reference`` when the answer is
  checked against another folder's reference;
* ``statement.md``: the statement, MyST markdown with Jinja2 placeholders
  filled from the parameters (``{{ x }}``), the reference answer
  (``{{ answer.total }}``), and the homework's ``{{ label }}``, ``{{ number }}``
  and ``{{ points_text }}``; an optional ``context.md`` is a markdown cell
  shown before it (a heading and a set-up shared by later parts);
* ``solution.py`` (the student's answer cell, with the solution markers) or
  ``solution.md`` (a written model answer); ``form.py``: the visible check of
  the answer's form (a template too); ``skeleton.py``: an optional ungraded
  code cell after the problem;
* ``reference.py``: ``DEFAULTS``, ``sample(rng)``, ``solve(**params)``;
* ``check.py``: ``compare`` and optionally ``CHECKS``, ``diagnose``,
  ``accept``, ``extra``, ``make_args``, ``to_params``, ``VALUE_LABEL``;
* ``mistakes.py``: ``MISTAKES``, the known wrong answers with the score each
  must get and a phrase its feedback must show;
* ``test_problem.py``: the problem's own tests (collected by tests/test_problems.py).

This module only finds the folders and reads their files; the registry, the
checkers and the notebook builder use it.
"""
from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
KINDS = ("function", "value", "model_file", "manual")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")

__all__ = ["Folder", "folders", "folder", "by_id", "normalise_slug", "KINDS"]


@dataclass(frozen=True)
class Folder:
    """One problem folder and its ``problem.yaml``."""

    slug: str
    path: Path
    meta: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def answer(self) -> str | None:
        return self.meta.get("answer")

    @property
    def title(self) -> str:
        return self.meta.get("title", self.slug.replace("_", " "))

    @property
    def has_reference(self) -> bool:
        return (self.path / "reference.py").is_file()

    @property
    def registry_id(self) -> str:
        """The registry id of this folder's own reference (old ids are kept as aliases)."""
        return self.meta.get("registry_id", self.id)

    @property
    def reference_slug(self) -> str | None:
        """The folder whose reference.py this problem's answer is checked against."""
        return self.meta.get("reference", self.slug if self.has_reference else None)

    def file(self, name: str) -> str | None:
        """The text of one file of the folder, or None when it has none."""
        path = self.path / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def module(self, name: str) -> ModuleType | None:
        """``reference``, ``check``, ``mistakes`` or ``solution`` of the folder, imported."""
        if not (self.path / f"{name}.py").is_file():
            return None
        return importlib.import_module(f"{__name__}.{self.slug}.{name}")


def _read(path: Path) -> Folder:
    meta = yaml.safe_load((path / "problem.yaml").read_text(encoding="utf-8")) or {}
    slug = path.name
    where = f"{path / 'problem.yaml'}"
    if meta.get("slug") != slug:
        raise ValueError(f"{where}: slug {meta.get('slug')!r} is not the folder name {slug!r}")
    if not SLUG.match(slug):
        raise ValueError(f"{where}: a slug is lower case letters, digits and _ ({slug!r})")
    if meta.get("kind") not in KINDS:
        raise ValueError(f"{where}: kind should be one of {', '.join(KINDS)}")
    if not meta.get("id"):
        raise ValueError(f"{where}: no grading id")
    return Folder(slug=slug, path=path, meta=meta)


@functools.lru_cache(maxsize=None)
def folders() -> dict[str, Folder]:
    """Every problem folder, by slug (sorted)."""
    found = {p.name: _read(p) for p in sorted(HERE.iterdir())
             if p.is_dir() and (p / "problem.yaml").is_file()}
    ids = [f.id for f in found.values()]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"grading id(s) used by two folders: {', '.join(dup)}")
    return found


def normalise_slug(name: str) -> str:
    """``transpose-conv-2d`` and ``transpose_conv_2d`` name the same folder."""
    return name.strip().lower().replace("-", "_")


def folder(slug: str) -> Folder:
    """The folder of a slug (dashes or underscores); KeyError when there is none."""
    return folders()[normalise_slug(slug)]


def by_id(problem_id: str) -> Folder:
    """The folder whose grading id is ``problem_id``; KeyError when there is none."""
    for f in folders().values():
        if f.id == problem_id:
            return f
    raise KeyError(problem_id)
