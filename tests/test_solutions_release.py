"""Graded answers stay off the site until a homework's solutions are released.

Fast tests work on the page sources and the generators; the two slow ones
build the site once per configuration (none released: the repository as it
is; hw2 released: a copy with ``solutions_released: true`` in hw2.yaml and
``make assignments``'s builders rerun) and look for every graded answer in the
built HTML.
"""
from __future__ import annotations

import html as html_lib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hwlib.problems import folders, homeworks
from hwlib.problems.solutions import graded_strings, page_name, solutions_page

ROOT = Path(__file__).resolve().parents[1]
# training.md is edited elsewhere and works no homework's numbers.
SKIP_PAGES = {"training"}
# Worked homework numbers still in the prose of these pages: (page, problem id).
# A ratchet: the test fails on any new leak and on any of these that goes away,
# so that the list shrinks with each page rewritten on other numbers.
KNOWN_SOURCE_LEAKS = {
    ("parameters", "hw1.p4"), ("parameters", "hw1.p4_layers"), ("parameters", "hw4.q2"),
    ("parameters", "hw4.q4"),
    # hw4 2(b) asks the counts of hw4 2(a)'s stack (the same reference): the same worked
    # numbers; with variants on, each student's own stack is not the page's.
    ("parameters", "hw4.q2_counts"),
    ("regularisation", "hw2.q6"),
}

# The built pages (cell outputs included) leak no more than the sources.
KNOWN_SITE_LEAKS = KNOWN_SOURCE_LEAKS


def _script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded() -> dict[str, dict[str, set[str]]]:
    """{homework: {problem id: the strings that give its graded answer away}}."""
    out: dict[str, dict[str, set[str]]] = {}
    for hw in homeworks.load().values():
        for entry in hw.entries:
            folder = folders()[entry.slug]
            strings = graded_strings(folder)
            if strings:
                out.setdefault(hw.name, {})[folder.id] = strings
    return out


def found(text: str, strings: set[str]) -> set[str]:
    """The strings that occur in text as whole tokens (123 is not found in 41234)."""
    return {s for s in strings
            if re.search(r"(?<![\w.])" + re.escape(s) + r"(?![\w])", text)}


def visible_text(page: str) -> str:
    """A built page's text and code as a reader gets it (tags dropped, entities decoded)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page))


# ------------------------------------------------------------------ fast
def test_graded_strings_cover_every_autograded_answer():
    """Does every problem with a reference answer have strings to look for, formulas among them?"""
    answers = {pid for per_hw in graded().values() for pid in per_hw}
    with_reference = {f.id for f in folders().values()
                      if f.kind in ("function", "value") and f.reference_slug}
    # Only hw3.q2 (a receptive field of 19) and hw3.q9 (200 epochs) have no distinctive text.
    assert with_reference - answers == {"hw3.q2", "hw3.q9"}
    assert "gamma*(g_i - mean(g))" in graded()["hw2"]["hw2.q4"]
    assert "[2.0, -1.0, 3.0]" in graded()["hw2"]["hw2.q2b"]
    assert "61,706" in graded()["hw4"]["hw4.q4"]


def test_practice_parameters_have_another_answer_than_the_graded_one():
    """Does hwlib.practice give, for every registered problem, parameters whose answer
    differs from the answer for the defaults (and the same draw every time)?"""
    import hwlib
    from hwlib import registry
    for problem in registry.problems():
        params = hwlib.practice(problem.id)
        assert params == hwlib.practice(problem.id)
        assert problem.solve(params) != problem.solve(), problem.id


def test_practice_refuses_a_problem_whose_draws_all_give_the_graded_answer(monkeypatch):
    import hwlib
    from hwlib import registry
    problem = registry.get("hw2.q5")
    monkeypatch.setattr(type(problem), "sample", lambda self, rng: dict(self.defaults))
    with pytest.raises(ValueError, match="hw2.q5"):
        hwlib.practice("hw2.q5")


def test_no_homework_is_released_in_the_repository():
    assert not any(hw.solutions_released for hw in homeworks.load().values())
    assert not list((ROOT / "book").glob("solutions_*.md"))
    assert "file: book/solutions_" not in (ROOT / "_toc.yml").read_text()


def test_page_sources_show_no_graded_answer_beyond_the_known_leaks():
    """Do the book's page sources print or state graded answers, beyond the listed ones?"""
    leaks = set()
    for src in sorted((ROOT / "book" / "src").glob("*.md")):
        if src.stem in SKIP_PAGES:
            continue
        text = src.read_text(encoding="utf-8")
        for per_hw in graded().values():
            for pid, strings in per_hw.items():
                if found(text, strings):
                    leaks.add((src.stem, pid))
    assert leaks == KNOWN_SOURCE_LEAKS, (
        f"new leaks: {sorted(leaks - KNOWN_SOURCE_LEAKS)}; "
        f"fixed (drop from KNOWN_SOURCE_LEAKS): {sorted(KNOWN_SOURCE_LEAKS - leaks)}")


def test_the_solutions_page_holds_every_graded_answer_of_its_homework():
    hw2 = homeworks.load()["hw2"]
    page = solutions_page(hw2)
    for pid, strings in graded()["hw2"].items():
        assert found(page, strings), f"{pid}: no reference answer on the solutions page"
    for pid, strings in graded()["hw3"].items():
        assert not found(page, strings - set().union(*graded()["hw2"].values())), pid
    assert "### BEGIN SOLUTION" not in page


def _copy_course(tmp_path: Path, released: bool) -> tuple[Path, Path]:
    course, book = tmp_path / "assignments", tmp_path / "book"
    shutil.copytree(ROOT / "assignments" / "homeworks", course / "homeworks")
    shutil.copytree(ROOT / "book" / "src", book / "src")
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    hw2 = course / "homeworks" / "hw2.yaml"
    text = hw2.read_text()
    assert "solutions_released: false" in text
    hw2.write_text(text.replace("solutions_released: false", f"solutions_released: {str(released).lower()}"))
    return course, book


def test_releasing_hw2_writes_its_page_and_toc_entry_and_withdrawing_removes_them(tmp_path):
    build = _script(ROOT / "assignments" / "build_notebooks.py")
    course, book = _copy_course(tmp_path, released=True)
    assert build.main(["--course", str(course), "--book", str(book)]) == 0
    page = book / f"{page_name('hw2')}.md"
    assert page.is_file()
    toc = (tmp_path / "_toc.yml").read_text()
    assert "      - file: book/solutions_hw2\n" in toc and "solutions_hw1" not in toc
    hw2 = course / "homeworks" / "hw2.yaml"
    hw2.write_text(hw2.read_text().replace("solutions_released: true", "solutions_released: false"))
    assert build.main(["--course", str(course), "--check", "--book", str(book)]) == 1
    assert build.main(["--course", str(course), "--book", str(book)]) == 0
    assert not page.exists()
    assert (tmp_path / "_toc.yml").read_text() == (ROOT / "_toc.yml").read_text()


def test_a_non_boolean_release_flag_is_refused(tmp_path):
    course, _ = _copy_course(tmp_path, released=False)
    hw2 = course / "homeworks" / "hw2.yaml"
    hw2.write_text(hw2.read_text().replace("solutions_released: false", "solutions_released: soon"))
    with pytest.raises(ValueError, match="solutions_released"):
        homeworks.load(course / "homeworks")


# ------------------------------------------------------------------ slow: two site builds
def _jupyter_book() -> str:
    exe = Path(sys.executable).with_name("jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


def _build(source: Path, out: Path) -> Path:
    """The strict build of the book at source; its pages import that tree's hwlib."""
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([_jupyter_book(), "build", str(source), "--path-output", str(out),
                           "-W", "-n", "--keep-going"], capture_output=True, text=True,
                          timeout=900, cwd=source, env=env)
    log = proc.stdout + proc.stderr
    problems = [line for line in log.splitlines() if "WARNING" in line or "Error" in line]
    assert proc.returncode == 0, "\n".join(problems[-20:]) + log[-2000:]
    return out / "_build" / "html"


@pytest.fixture(scope="module")
def site_none_released(tmp_path_factory):
    return _build(ROOT, tmp_path_factory.mktemp("site_none"))


@pytest.fixture(scope="module")
def site_hw2_released(tmp_path_factory):
    copy = tmp_path_factory.mktemp("repo_hw2") / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    hw2 = copy / "assignments" / "homeworks" / "hw2.yaml"
    hw2.write_text(hw2.read_text().replace("solutions_released: false", "solutions_released: true"))
    for script in ("assignments/build_notebooks.py", "book/build_pages.py"):
        subprocess.run([sys.executable, str(copy / script)], cwd=copy, check=True)
    return _build(copy, tmp_path_factory.mktemp("site_hw2"))


def _pages(html: Path) -> dict[str, str]:
    return {str(p.relative_to(html)): visible_text(p.read_text(encoding="utf-8"))
            for p in sorted(html.rglob("*.html"))}


def _leaks(pages: dict[str, str], skip: set[str]) -> set[tuple[str, str]]:
    known = {(f"book/{page}.html", pid) for page, pid in KNOWN_SITE_LEAKS}
    out = set()
    for name, text in pages.items():
        if name in skip or any(name == f"book/{s}.html" for s in SKIP_PAGES):
            continue
        for per_hw in graded().values():
            for pid, strings in per_hw.items():
                if found(text, strings) and (name, pid) not in known:
                    out.add((name, pid))
    return out


def test_unreleased_site_shows_no_graded_answer(site_none_released):
    pages = _pages(site_none_released)
    assert "book/hw2.html" in pages and not any("solutions_" in p for p in pages)
    assert _leaks(pages, skip={"search.html", "genindex.html"}) == set()


def test_homework_pages_offer_the_student_notebook_and_topics_link_back(site_none_released):
    for n in range(1, 5):
        raw = (site_none_released / "book" / f"hw{n}.html").read_text(encoding="utf-8")
        link = re.search(rf'href="\.\./(_downloads/\w+/hw{n}\.ipynb)"', raw)
        assert link, f"hw{n}.html has no download link to the student notebook"
        served = site_none_released / link.group(1)
        assert served.read_bytes() == (ROOT / "assignments" / "student" / f"hw{n}.ipynb").read_bytes()
    for topic in ("optimisation", "convolution", "parameters", "normalisation",
                  "regularisation", "attention", "densities", "networks"):
        raw = (site_none_released / "book" / f"{topic}.html").read_text(encoding="utf-8")
        text = visible_text(raw)
        assert "Homework on this page:" in text, topic
        assert re.search(r'href="hw[1-4]\.html', raw), f"{topic}.html links to no homework page"


def test_releasing_hw2_adds_exactly_its_solutions_page(site_none_released, site_hw2_released):
    before, after = _pages(site_none_released), _pages(site_hw2_released)
    assert set(after) - set(before) == {"book/solutions_hw2.html"}
    page = after["book/solutions_hw2.html"]
    for pid, strings in graded()["hw2"].items():
        assert found(page, strings), f"{pid}: its answer is not on the solutions page"
    assert _leaks(after, skip={"book/solutions_hw2.html", "search.html", "genindex.html"}) == set()
