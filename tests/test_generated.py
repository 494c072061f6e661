"""Generated files are never stale nor edited by hand.

The source notebooks, the manifest, the site's homework tables (build
notebooks), the book's notebooks (build_pages) and the bundled samples are
all built from the problem folders and homework files by `make assignments`;
each test fails naming that command.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REBUILD = "make assignments"


def _script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_notebooks = _script(ROOT / "assignments" / "build_notebooks.py")
build_samples = _script(ROOT / "assignments" / "build_samples.py")
build_pages = _script(ROOT / "book" / "build_pages.py")


def test_notebooks_manifest_and_tables_are_up_to_date():
    """Are the source notebooks, the manifest and the site's tables what the folders give?"""
    stale = build_notebooks.stale(build_notebooks.outputs())
    assert not stale, f"stale or edited by hand: {[str(p) for p in stale]}; run `{REBUILD}`"


def test_book_notebooks_are_up_to_date():
    """Is every book/*.ipynb what its book/src/*.md gives?"""
    stale = [nb.name for src, nb in build_pages.targets()
             if not nb.is_file() or nb.read_text() != build_pages.render(src)]
    assert not stale, f"stale or edited by hand: {stale}; run `{REBUILD}`"


def test_samples_are_up_to_date():
    """Are the bundled samples and expected.json what the folders' mistakes give?"""
    manifest = json.loads((ROOT / "assignments" / "manifest.json").read_text())
    stale = build_samples.check(manifest)
    assert not stale, f"stale or edited by hand: {stale}; run `{REBUILD}`"


@pytest.fixture
def course_copy(tmp_path):
    course, book = tmp_path / "assignments", tmp_path / "book"
    shutil.copytree(ROOT / "assignments" / "homeworks", course / "homeworks")
    shutil.copytree(ROOT / "assignments" / "source", course / "source")
    shutil.copytree(ROOT / "assignments" / "student", course / "student")
    shutil.copy(ROOT / "assignments" / "manifest.json", course / "manifest.json")
    shutil.copytree(ROOT / "book" / "src", book / "src")
    return course, book


def test_a_hand_edited_notebook_is_caught(course_copy, capsys):
    """Does --check fail on a notebook edited in Jupyter, naming it and `make assignments`?"""
    course, book = course_copy
    args = ["--check", "--course", str(course), "--book", str(book)]
    assert build_notebooks.main(args) == 0
    path = course / "source" / "hw2" / "hw2.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][1]["source"].append("\nAn edit made in Jupyter.")
    path.write_text(json.dumps(nb, indent=1) + "\n")
    capsys.readouterr()
    assert build_notebooks.main(args) == 1
    out = capsys.readouterr().out
    assert str(path) in out and REBUILD in out


def test_a_hand_edited_site_table_is_caught(course_copy):
    """Is a homework table edited on the page (not in the homework file) caught?"""
    course, book = course_copy
    page = book / "src" / "hw3.md"
    page.write_text(page.read_text().replace("| 2 |", "| 2 (edited) |"))
    assert page in build_notebooks.stale(build_notebooks.outputs(course, book))


def test_a_hand_edited_sample_is_caught(tmp_path, monkeypatch):
    """Is a sample whose answer cell was edited by hand reported?"""
    samples = tmp_path / "samples"
    shutil.copytree(ROOT / "assignments" / "samples", samples,
                    ignore=shutil.ignore_patterns("*.pt"))
    monkeypatch.setattr(build_samples, "SAMPLES", samples)
    manifest = json.loads((ROOT / "assignments" / "manifest.json").read_text())
    assert build_samples.check(manifest) == []
    path = samples / "hw3" / "reference" / "hw3.ipynb"
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
                and c["cell_type"] == "code")
    cell["source"] = ["def dilated_input_indices(*args):\n", "    return []"]
    path.write_text(json.dumps(nb, indent=1) + "\n")
    assert any("hw3/reference" in p for p in build_samples.check(manifest))
