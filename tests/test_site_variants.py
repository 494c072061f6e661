"""Do the site's download and the site's pages never show the defaults as "your" numbers?

With ``variants: true`` (assignments/course.yaml) every student is graded on their own
numbers, which only the course's release shows (hwlib.release). The notebook offered on
the site's homework pages (``assignments/student/<hw>.ipynb``) is in the exchange form:
each varying problem's statement says to run the read-only cell below it, and that cell,
with no per-student numbers next to the notebook, says so and where to get them. The
site's statements (the solutions pages) are rendered with the defaults, introduced as
example numbers.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hwlib import course as course_settings
from hwlib.problems import folders, homeworks
from hwlib.problems.solutions import EXAMPLE_NOTE, solutions_page

ROOT = Path(__file__).resolve().parents[1]
HOMEWORKS = ("hw1", "hw2", "hw3", "hw4")


def _varying(hw: str) -> list[str]:
    """Independently of hwlib.release: the folders that say they vary and can."""
    return [folders()[e.slug].id for e in homeworks.load()[hw].entries
            if folders()[e.slug].meta.get("variants") is True]


def _download(hw: str) -> dict:
    return json.loads((ROOT / "assignments" / "student" / f"{hw}.ipynb").read_text())


def test_the_course_gives_each_student_their_own_numbers():
    """The premise of this module: variants are on in the committed course."""
    assert course_settings.variants_on(ROOT / "assignments") is True


@pytest.mark.parametrize("hw", HOMEWORKS)
def test_download_points_each_varying_problem_to_its_display_cell(hw):
    """Is each varying problem's statement a pointer followed by a read-only display
    cell, and does no cell show a statement that calls the defaults "your" numbers?"""
    cells = _download(hw)["cells"]
    shows = [(i, c) for i, c in enumerate(cells) if c["metadata"].get("hwlib", {}).get("shows")]
    assert [c["metadata"]["hwlib"]["shows"] for _, c in shows] == _varying(hw)
    for i, cell in shows:
        assert cell["cell_type"] == "code" and cell["metadata"]["editable"] is False
        pointer = "".join(cells[i - 1]["source"])
        assert "run the cell below" in pointer
        assert cells[i - 1]["metadata"]["hwlib"]["statement_of"] == cell["metadata"]["hwlib"]["shows"]
    text = "\n".join("".join(c["source"]) for c in cells)
    assert "**your**" not in text and "in your block" not in text


def test_display_cell_without_numbers_says_where_to_get_them(tmp_path):
    """Run in a folder without the release's helper, does the display cell print that
    this copy has no per-student numbers and to take the notebook from the hub or LMS?"""
    cell = next(c for c in _download("hw1")["cells"]
                if c["metadata"].get("hwlib", {}).get("shows") == "hw1.p3a")
    script = tmp_path / "cell.py"
    script.write_text("".join(cell["source"]))
    out = subprocess.run([sys.executable, "-I", str(script)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "no per-student numbers" in out.stdout
    assert "JupyterHub or LMS" in out.stdout
    assert "H=32" not in out.stdout


@pytest.mark.parametrize("hw", ["hw1", "hw2", "hw3", "hw4"])
def test_site_statements_introduce_the_defaults_as_examples(hw):
    """On a solutions page, does each varying problem's statement come after the note
    "On this page: example numbers; your notebook shows your own" and call its numbers
    the example's, while the problems that do not vary get no note?"""
    page = solutions_page(homeworks.load()[hw], variants=True)
    assert page.count(EXAMPLE_NOTE) == len(_varying(hw)) > 0
    assert "On this page: example numbers; your notebook shows your own" in EXAMPLE_NOTE
    assert "**your**" not in page and "in your block" not in page
    if hw == "hw1":
        assert "Add the two counts for the example layer, $H=32$, $W=32$" in page
    if hw == "hw4":
        assert "For the example stack, three $3\\times3$ convolutions with stride 2" in page


def test_site_statements_without_variants_are_everyones_numbers():
    """With variants off (everyone's numbers are the defaults), no note, and "your" stays."""
    page = solutions_page(homeworks.load()["hw1"], variants=False)
    assert EXAMPLE_NOTE not in page
    assert "Add the two counts for **your** layer, $H=32$" in page


def test_variants_flag_is_read_without_a_secret(tmp_path):
    """Is course.yaml's variants flag read without any secret, default true, and a bad
    value refused naming variants?"""
    assert course_settings.variants_on(tmp_path) is True
    (tmp_path / "course.yaml").write_text("variants: false\n")
    assert course_settings.variants_on(tmp_path) is False
    (tmp_path / "course.yaml").write_text("variants: maybe\n")
    with pytest.raises(ValueError, match="variants"):
        course_settings.variants_on(tmp_path)
    assert not (tmp_path / course_settings.SECRET_FILE).exists()
