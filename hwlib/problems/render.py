"""Filling a problem folder's templates (statement.md, context.md, form.py, skeleton.py).

Templates are Jinja2 with ``StrictUndefined`` (a misspelt name fails the
build). They see the problem's parameters by name (``{{ x }}``, written as
Python/JSON literals: ``[1, 4, 0]``), ``params`` (all of them), ``answer``
(the reference answer for them, computed only when used), the homework's
``label``, ``number``, ``points`` and ``points_text``, ``your`` (``**your**``
in a notebook, where the numbers are the student's; ``the example`` on the
site's pages, where they are the defaults: :data:`SITE_YOUR`), and whatever
the folder's check.py returns from ``template_values()``. Filters: ``num`` and
``nums`` (numbers as in prose: 4 for 4.0), ``bmatrix`` (a LaTeX matrix) and
``word`` (three for 3) and ``digest(salt)`` (a hash a visible check compares
a value with when printing it would give a graded count away).

Visible checks (form.py) also see ``example``: a public parameter set drawn by
the problem's sampler whose answer differs from the graded one, with its
reference answer ``example_answer``, and ``selfcheck``: the code of
``_selfcheck(got, want, what)``, which compares a student's output with the
example's stated output (numbers to a relative 1e-6) and says which is wrong.

``solution.py`` is a template too (:func:`solution_code`): a value question that
asks for a count for the student's own numbers writes them as ``{{ x }}``, so the
reference answer cell can be filled for any student's parameters. Each student's
statement (:func:`statement`) is the folder's statement.md filled with that
student's parameters (:func:`hwlib.course.params_for`); see :mod:`hwlib.release`.

A form may instead work its own public example (numbers no grading run asks),
with ``reference({...})``: the reference answer for those parameters.
"""
from __future__ import annotations

import json

import jinja2

from .. import registry
from . import folders

__all__ = ["context", "render", "ENV", "solution_code", "statement", "YOUR", "SITE_YOUR"]


def _literal(value):
    """How a parameter is written into a statement or a code cell: lists as [1, 2]."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _num(value) -> str:
    """A number as in prose: 4 for 4.0, 0.9 for 0.9."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _nums(value) -> str:
    """A (nested) list of numbers as in prose: [4, 6, 5] for [4.0, 6.0, 5.0]."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_nums(v) for v in value) + "]"
    return _num(value)


def _bmatrix(rows) -> str:
    """A matrix as LaTeX: \\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}."""
    return ("\\begin{bmatrix}" + "\\\\".join("&".join(_num(v) for v in row) for row in rows)
            + "\\end{bmatrix}")


WORDS = "zero one two three four five six seven eight nine ten".split()


def _word(n: int) -> str:
    """Small counts in words: three for 3."""
    return WORDS[n] if 0 <= n < len(WORDS) else str(n)


def _digest(value, salt: str) -> str:
    """A visible check's stand-in for a number it must not print (a count every case
    shares with the graded answer): sha256 of "salt:value" (value as JSON), 16 hex digits."""
    import hashlib

    return hashlib.sha256(f"{salt}:{json.dumps(value)}".encode()).hexdigest()[:16]


ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                         finalize=_literal, autoescape=False)
ENV.filters.update(num=_num, nums=_nums, bmatrix=_bmatrix, word=_word, digest=_digest)


YOUR = "**your**"           # how a statement names the student's own numbers in a notebook
SITE_YOUR = "the example"   # ... and on a site page, which shows the defaults to everyone


def context(folder, entry, params: dict | None = None, your: str = YOUR) -> dict:
    """What a folder's templates are filled with: its parameters (the defaults, or
    ``params``, e.g. one student's draw from ``sample``), the reference answer for
    them (``answer``), the homework's label, number and points, and ``your``."""
    ctx = {"label": entry.label, "number": entry.number, "points": entry.points,
           "points_text": entry.points_text, "your": your}
    if folder.reference_slug:
        problem = registry.get(folders()[folder.reference_slug].registry_id)
        chosen = problem.params(params)
        ctx.update(chosen)
        ctx["params"] = chosen
        ctx["answer"] = _Lazy(lambda: problem.solve(chosen))
        example = _Lazy(lambda: registry.practice(problem.id, seed=EXAMPLE_SEED))
        ctx["example"] = example
        ctx["example_answer"] = _Lazy(lambda: problem.solve(example._all()))
        ctx["selfcheck"] = SELFCHECK
        ctx["reference"] = problem.solve   # reference({...}): the answer for a form's own example
    check = folder.module("check")
    if check is not None and hasattr(check, "template_values"):
        ctx.update(check.template_values())
    return ctx


EXAMPLE_SEED = 31   # the site's worked examples use registry.practice's default seed

SELFCHECK = '''def _selfcheck(got, want, what):
    """Is got the stated output of the public example (numbers to a relative 1e-6)?"""
    import numpy as _np

    def same(a, b):
        if isinstance(b, dict):
            return isinstance(a, dict) and all(k in a and same(a[k], v) for k, v in b.items())
        if isinstance(b, str):
            return a == b
        if isinstance(b, (list, tuple)):
            try:
                return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
            except TypeError:
                return False
        try:
            return bool(_np.isclose(float(a), float(b), rtol=1e-6, atol=1e-9))
        except (TypeError, ValueError):
            return False

    assert same(got, want), f"public example {what}: expected {want!r}, got {got!r}"
    print(f"public example {what}: correct")'''


class _Lazy(dict):
    """The reference answer, computed only when a template uses it."""

    def __init__(self, solve):
        super().__init__()
        self._solve, self._done = solve, False

    def _fill(self):
        if not self._done:
            value = self._solve()
            self.update(value if isinstance(value, dict) else {"value": value})
            self._done = True

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def _all(self) -> dict:
        self._fill()
        return dict(self.items())

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        self._fill()
        return super().__getitem__(key)


def render(folder, name: str, ctx: dict) -> str | None:
    text = folder.file(name)
    if text is None:
        return None
    try:
        return ENV.from_string(text).render(**ctx)
    except jinja2.TemplateError as exc:
        raise SystemExit(f"{folder.path / name}: {exc}") from None


def solution_code(folder, params: dict | None = None) -> str | None:
    """The folder's solution.py (the reference answer cell, markers kept) filled with
    ``params`` (default: the statement's defaults); None when the folder has none."""
    text = folder.file("solution.py")
    if text is None or "{{" not in text and "{%" not in text:
        return text
    ctx = {}
    if folder.reference_slug:
        problem = registry.get(folders()[folder.reference_slug].registry_id)
        ctx = problem.params(params)
        ctx["params"] = dict(ctx)
    try:
        return ENV.from_string(text).render(**ctx)
    except jinja2.TemplateError as exc:
        raise SystemExit(f"{folder.path / 'solution.py'}: {exc}") from None


def statement(folder, entry, params: dict | None = None) -> str:
    """statement.md of a homework entry filled with ``params`` (default: the defaults)."""
    return render(folder, "statement.md", context(folder, entry, params))


def replace_between_markers(text: str, begin: str, end: str, block: str, where) -> str:
    """``text`` with the lines between the line starting ``begin`` and the line
    holding ``end`` replaced by ``block`` (both marker lines kept, ``end``'s
    indentation too); SystemExit naming ``where`` when a marker is missing."""
    try:
        head, rest = text.split(begin, 1)
        marker_line, rest = rest.split("\n", 1)
        inner, tail = rest.split(end, 1)
    except ValueError:
        raise SystemExit(f"{where}: no '{begin}' ... '{end}' lines") from None
    indent = inner.rsplit("\n", 1)[-1]
    return f"{head}{begin}{marker_line}\n{block}{indent}{end}{tail}"
