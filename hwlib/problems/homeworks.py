"""The homework files: ``assignments/homeworks/<hw>.yaml``, one per homework.

A homework is its title, optional conventions (markdown shown under the
title) and an ordered list of problems, each a folder slug with the label
students see (``2(c)``) and its points. The label is used everywhere: the
notebook, the site's tables, the manifest (and so feedback and grade export)
and the command line (``python -m hwlib solve hw2.2c``).

``solutions_released`` (default false) says whether the homework's solutions
are out: only then does the site get a solutions page for it (statements,
model answers, reference values), and before that no page shows a graded
answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import folders

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "assignments" / "homeworks"


@dataclass(frozen=True)
class Entry:
    slug: str
    label: str
    points: float

    @property
    def number(self) -> str:
        """The question number of the label: ``2`` for ``2(c)``."""
        return re.match(r"\d+", self.label).group(0)

    @property
    def points_text(self) -> str:
        p = int(self.points) if float(self.points).is_integer() else self.points
        return f"{p} point" + ("" if p == 1 else "s")


@dataclass(frozen=True)
class Homework:
    name: str
    title: str
    conventions: str
    entries: tuple[Entry, ...]
    solutions_released: bool = False


def compact_label(label: str) -> str:
    """``2(c)`` -> ``2c``, ``6(b)–(d)`` -> ``6bd``: the form typed on the command line."""
    return re.sub(r"[^0-9a-z]", "", label.lower())


def load(directory: Path | None = None) -> dict[str, Homework]:
    """Every homework file of the directory, by name (hw1, hw2, ...), checked."""
    directory = Path(directory or DEFAULT_DIR)
    known = folders()
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = []
        for e in raw["problems"]:
            if e["slug"] not in known:
                raise ValueError(f"{path}: no problem folder hwlib/problems/{e['slug']}/")
            if not re.match(r"\d", str(e["label"])):
                raise ValueError(f"{path}: label {e['label']!r} should start with its number")
            entries.append(Entry(slug=e["slug"], label=str(e["label"]), points=e["points"]))
        labels = [compact_label(e.label) for e in entries]
        if len(set(labels)) != len(labels):
            raise ValueError(f"{path}: two problems share a label")
        released = raw.get("solutions_released", False)
        if not isinstance(released, bool):
            raise ValueError(f"{path}: solutions_released should be true or false, "
                             f"not {released!r}")
        out[path.stem] = Homework(name=path.stem, title=raw["title"],
                                  conventions=(raw.get("conventions") or "").strip("\n"),
                                  entries=tuple(entries), solutions_released=released)
    listed = [e.slug for hw in out.values() for e in hw.entries]
    twice = sorted({s for s in listed if listed.count(s) > 1})
    if twice:
        raise ValueError(f"{directory}: listed more than once: {', '.join(twice)}")
    return out


def locate(directory: Path | None = None) -> dict[str, tuple[str, Entry]]:
    """{slug: (homework, entry)} of every problem that a homework lists."""
    return {e.slug: (hw.name, e) for hw in load(directory).values() for e in hw.entries}
