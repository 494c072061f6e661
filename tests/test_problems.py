"""Every problem folder: its layout, its known wrong answers, and its own tests.

The known wrong answers (``mistakes.py`` of each folder) must score exactly
what the folder says, with its feedback phrase, on several grading runs. The
folders' own ``test_problem.py`` modules are collected here (their tests appear
as ``test_<slug>__<name>``).
"""
from __future__ import annotations

import importlib

import numpy as np
import pytest

from hwlib.problems import folders
from hwlib.problems.testing import grade_cell

FOLDERS = sorted(folders().values(), key=lambda f: f.slug)
AUTOGRADED = [f for f in FOLDERS if f.kind in ("function", "value")]
SEEDS = range(5)   # grading runs per known mistake
NEEDS = {
    "function": {"problem.yaml", "statement.md", "solution.py", "form.py", "check.py",
                 "mistakes.py", "test_problem.py"},
    "value": {"problem.yaml", "statement.md", "solution.py", "form.py", "check.py",
              "mistakes.py", "test_problem.py"},
    "model_file": {"problem.yaml", "statement.md", "check.py"},
    "manual": {"problem.yaml", "statement.md", "solution.md"},
}
MISTAKES = [(f, m) for f in AUTOGRADED for m in (f.module("mistakes").MISTAKES
                                                 if f.module("mistakes") else [])]


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.slug for f in FOLDERS])
def test_folder_has_every_file_of_its_kind(folder):
    """Does the folder hold the files its kind needs, and a reference (its own or named)?"""
    missing = NEEDS[folder.kind] - {p.name for p in folder.path.iterdir()}
    assert not missing, f"{folder.path} lacks {sorted(missing)}"
    if folder.kind != "manual":
        assert folder.reference_slug in folders(), f"{folder.slug}: no reference.py and no reference:"


@pytest.mark.parametrize("folder,mistake", MISTAKES,
                         ids=[f"{f.slug}-{m['name']}" for f, m in MISTAKES])
def test_known_mistake_gets_its_score_and_phrase(folder, mistake):
    """Does the known wrong answer score exactly its fraction, naming the mistake, on every run?"""
    for seed in SEEDS:
        fraction, messages = grade_cell(folder.id, mistake["code"], seed)
        assert fraction == pytest.approx(float(mistake["score"]), abs=1e-12), (seed, messages)
        assert mistake["phrase"] in "\n".join(messages), (seed, messages)


def _collect_folder_tests() -> dict:
    found = {}
    for folder in FOLDERS:
        if (folder.path / "test_problem.py").is_file():
            module = importlib.import_module(f"hwlib.problems.{folder.slug}.test_problem")
            for name in dir(module):
                if name.startswith("test_") and callable(getattr(module, name)):
                    found[f"test_{folder.slug}__{name[5:]}"] = getattr(module, name)
    return found


globals().update(_collect_folder_tests())


@pytest.mark.parametrize("folder", AUTOGRADED, ids=[f.slug for f in AUTOGRADED])
def test_statement_is_filled_from_other_parameters(folder):
    """Does the statement render for a freshly drawn parameter set (a per-student variant)?"""
    from hwlib import registry
    from hwlib.problems import homeworks
    from hwlib.problems.render import context, render

    placed = homeworks.locate()
    if folder.slug not in placed:
        pytest.skip("in no homework")
    problem = registry.get(folders()[folder.reference_slug].registry_id)
    rng = np.random.default_rng(11)
    for _ in range(100):   # a draw the reference can solve (the grader skips the others too)
        drawn = problem.sample(rng)
        try:
            problem.solve(drawn)
            break
        except ValueError:
            continue
    ctx = context(folder, placed[folder.slug][1], drawn)
    assert render(folder, "statement.md", ctx).strip()
    assert render(folder, "form.py", ctx).strip()


def test_book_sections_named_by_folders_exist():
    """Does every folder's `book:` name a section label of the site (its table links there)?"""
    from pathlib import Path

    pages = "\n".join(p.read_text() for p in (Path(__file__).resolve().parents[1] / "book" / "src").glob("*.md"))
    missing = [f.slug for f in FOLDERS if f.meta.get("book") and f"({f.meta['book']})=" not in pages]
    assert missing == []
