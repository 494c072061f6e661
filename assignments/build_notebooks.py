"""Build the nbgrader source notebooks and the manifest from the problem folders.

Run from the repository root (``make assignments`` runs this, then
``build_samples.py`` and the site's homework tables)::

    .venv/bin/python assignments/build_notebooks.py           # rewrite what is stale
    .venv/bin/python assignments/build_notebooks.py --check   # exit 1 if anything is stale

Inputs: the homework files ``assignments/homeworks/<hw>.yaml`` (title,
conventions, the ordered problems with label and points), the shared
``homeworks/how_to.md``, and one folder per problem under ``hwlib/problems/``
(see its package docstring and docs/add-a-problem.md). Outputs:
``assignments/source/<hw>/<hw>.ipynb`` (nbformat 4, kernel python3) and
``assignments/manifest.json``, and the homework table of each site page
``book/src/<hw>.md`` (between its ``% BEGIN homework table`` and
``% END homework table`` lines, with a link to the student notebook
``assignments/student/<hw>.ipynb``: the source with solutions, hidden tests and mark
schemes cleared by nbgrader's preprocessors, as in the release), the
"Homework on this page" line of each topic page that a problem's ``book``
label points into (between ``% BEGIN homework links`` and ``% END homework
links``); for each homework whose file says
``solutions_released: true``, its solutions page ``book/solutions_<hw>.md`` and
its line in ``_toc.yml`` (between the ``# BEGIN solutions`` and ``# END
solutions`` lines); a solutions page of an unreleased homework is deleted.

Every autograded problem becomes four cells: the statement (markdown), the
answer cell (``solution.py``, with the reference answer between ``### BEGIN
SOLUTION`` / ``### END SOLUTION``; plain numpy, no hwlib), a visible cell
checking only the answer's form (``form.py``), and a hidden test cell calling
the checker. A written problem becomes its statement and a manually graded
markdown answer cell (``solution.md``, replaced by "YOUR ANSWER HERE" in the
release). A model-file problem is its statement and the hidden test cell.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # the hwlib of this checkout, whatever is installed

from hwlib.problems import folders, homeworks  # noqa: E402
from hwlib.problems.render import context, render, replace_between_markers, solution_code  # noqa: E402
from hwlib.problems import solutions  # noqa: E402
from hwlib import release  # noqa: E402
from hwlib.course import variants_on  # noqa: E402

SCHEMA = 3
REBUILD = "make assignments"


# ------------------------------------------------------------------ cells
def _src(text: str) -> list[str]:
    text = textwrap.dedent(text).strip("\n")
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _gid(problem_id: str, suffix: str) -> str:
    return problem_id.replace(".", "_") + "_" + suffix


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool,
          points: float | None = None) -> dict:
    nb = {"grade": grade, "grade_id": grade_id, "locked": locked,
          "schema_version": SCHEMA, "solution": solution, "task": False}
    if points is not None:
        nb["points"] = points
    return {"nbgrader": nb}


def _md(text: str, meta: dict | None = None) -> dict:
    return {"cell_type": "markdown", "metadata": meta or {}, "source": _src(text)}


def _code(text: str, meta: dict | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": meta or {},
            "outputs": [], "source": _src(text)}


def hidden_test(problem_id: str) -> str:
    return ("### BEGIN HIDDEN TESTS\n"
            "from hwlib.grading.checkers import check\n"
            f'check("{problem_id}", globals())\n'
            "### END HIDDEN TESTS")


# ------------------------------------------------------------------ one homework
def problem_cells(folder, entry) -> tuple[list[dict], dict]:
    """The cells and the manifest entry of one problem of a homework."""
    ctx = context(folder, entry)
    pid, points = folder.id, entry.points
    cells = []
    if folder.file("context.md") is not None:
        cells.append(_md(render(folder, "context.md", ctx)))
    cells.append(_md(render(folder, "statement.md", ctx)))
    answer_id, test_id = _gid(pid, "answer"), _gid(pid, "test")
    entry_json = {"id": pid, "answer": folder.answer, "kind": folder.kind, "points": points}
    if folder.kind in ("function", "value"):
        cells.append(_code(solution_code(folder),
                           _meta(answer_id, solution=True, grade=False, locked=False)))
        cells.append(_code(render(folder, "form.py", ctx),
                           _meta(_gid(pid, "form"), solution=False, grade=False, locked=True)))
        cells.append(_code(hidden_test(pid), _meta(test_id, solution=False, grade=True,
                                                   locked=True, points=points)))
        entry_json.update(answer_cell=answer_id, test_cell=test_id)
    elif folder.kind == "manual":
        cells.append(_md(folder.file("solution.md"), _meta(answer_id, solution=True, grade=True,
                                                           locked=False, points=points)))
        entry_json.update(answer=None, answer_cell=answer_id, test_cell=None)
    else:  # model_file
        cells.append(_code(hidden_test(pid), _meta(test_id, solution=False, grade=True,
                                                   locked=True, points=points)))
        entry_json.update(answer_cell=None, test_cell=test_id)
    reference = folders()[folder.reference_slug].registry_id if folder.reference_slug else None
    if folder.kind in ("function", "value") and reference != pid:
        entry_json["reference"] = reference
    entry_json.update(label=entry.label, slug=folder.slug)
    if folder.file("skeleton.py") is not None:
        cells.append(_code(render(folder, "skeleton.py", ctx)))
    return cells, entry_json


def notebook(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 4}


def build_homework(hw, how_to: str) -> tuple[dict, list[dict]]:
    """The source notebook and the manifest entries of one homework."""
    title = f"# {hw.title}\n\n{how_to.strip()}"
    if hw.conventions:
        title += "\n\n" + hw.conventions
    cells, entries = [_md(title)], []
    for entry in hw.entries:
        more, manifest_entry = problem_cells(folders()[entry.slug], entry)
        cells += more
        entries.append(manifest_entry)
    return notebook(cells), entries


def outputs(course: Path = HERE, book: Path = ROOT / "book") -> dict[Path, str]:
    """{path: text} of every file this script writes (with the site's homework tables)."""
    how_to = (course / "homeworks" / "how_to.md").read_text(encoding="utf-8")
    files, manifest = {}, {"assignments": {}}
    for name, hw in homeworks.load(course / "homeworks").items():
        nb, entries = build_homework(hw, how_to)
        path = course / "source" / name / f"{name}.ipynb"
        files[path] = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        manifest["assignments"][name] = {"notebook": f"{name}.ipynb", "problems": entries}
        page = book / "src" / f"{name}.md"
        if page.is_file():
            files[page] = with_table(page.read_text(encoding="utf-8"), hw, page)
            files[course / "student" / f"{name}.ipynb"] = student_notebook(files[path], hw,
                                                                           variants_on(course))
    files.update(topic_links(homeworks.load(course / "homeworks"), book))
    files[course / "manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    released = released_homeworks(course)
    for name in released:
        files[book / f"{solutions.page_name(name)}.md"] = solutions.solutions_page(
            homeworks.load(course / "homeworks")[name], variants_on(course))
    toc = book.parent / "_toc.yml"
    if toc.is_file():
        files[toc] = solutions.with_toc(toc.read_text(encoding="utf-8"), released, toc)
    return files


def released_homeworks(course: Path = HERE) -> list[str]:
    """The homeworks whose solutions are released, in order."""
    return [name for name, hw in homeworks.load(course / "homeworks").items()
            if hw.solutions_released]


def withdrawn(course: Path = HERE, book: Path = ROOT / "book") -> list[Path]:
    """Solutions pages on disk whose homework is not (or no longer) released."""
    keep = {f"{solutions.page_name(n)}.md" for n in released_homeworks(course)}
    return sorted(p for p in book.glob(f"{solutions.page_name('*')}.md") if p.name not in keep)


TABLE_BEGIN, TABLE_END = "% BEGIN homework table", "% END homework table"


def book_table(hw) -> str:
    """The site's table of one homework: label, topic, the section that answers it."""
    rows = ["| problem | topic | where it is taught |", "| --- | --- | --- |"]
    for entry in hw.entries:
        folder = folders()[entry.slug]
        where = f"{{ref}}`{folder.meta['book']}`" if folder.meta.get("book") else ""
        kind = "written" if folder.kind == "manual" else "autograded"
        rows.append(f"| {entry.label} | {folder.meta.get('topic', folder.title)} ({kind}, "
                    f"{entry.points_text}) | {where} |")
    rows.append("")
    rows.append(f"Work the homework in the student notebook, {{download}}`{hw.name}.ipynb "
                f"</assignments/student/{hw.name}.ipynb>` (open it in Jupyter; the visible cells check the "
                "form of each answer, the hidden tests grade it after submission).")
    return "\n".join(rows) + "\n"


def student_notebook(source: str, hw=None, variants: bool = False) -> str:
    """The notebook students download: the source as nbgrader releases it (solutions,
    hidden tests and mark schemes cleared, no outputs, the cells' checksums recorded:
    `nbgrader validate` fails on a written answer left as the stub). With ``variants``
    (the course's ``course.yaml``), each of ``hw``'s varying problems is in the exchange
    form (:func:`hwlib.release.exchange_cells`): its statement says to run the
    read-only cell below, which in this copy (no per-student numbers next to it)
    tells the student to take the notebook from the course's hub or LMS, so the
    defaults are never shown as the student's own numbers."""
    import nbformat
    from nbgrader.preprocessors import (ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                        ClearSolutions, ComputeChecksums)
    nb, resources = nbformat.reads(source, as_version=4), {}
    for step in (ClearSolutions, ClearHiddenTests, ClearMarkScheme, ClearOutput, ComputeChecksums):
        nb, resources = step().preprocess(nb, resources)
    problems = release.varying_when(variants, hw) if hw is not None else []
    if problems:
        data = release.exchange_cells(json.loads(nbformat.writes(nb)), problems)
        nb = nbformat.from_dict(data)
    return nbformat.writes(nb) + "\n"


LINKS_BEGIN, LINKS_END = "% BEGIN homework links", "% END homework links"


def topic_links(hws: dict, book: Path) -> dict[Path, str]:
    """{topic page: its text with the line naming the homework problems it teaches}."""
    pages = {}
    for src in sorted((book / "src").glob("*.md")):
        text = src.read_text(encoding="utf-8")
        if LINKS_BEGIN not in text:
            continue
        labels = set(re.findall(r"^\(([\w-]+)\)=$", text, flags=re.M))
        used = []
        for hw in hws.values():
            here = [e.label for e in hw.entries
                    if folders()[e.slug].meta.get("book") in labels]
            if here:
                used.append(f"{{ref}}`{hw.name}` ({', '.join(here)})")
        line = ("Homework on this page: " + "; ".join(used) + ".\n") if used else ""
        head, rest = text.split(LINKS_BEGIN, 1)
        marker_line, rest = rest.split("\n", 1)
        _, tail = rest.split(LINKS_END, 1)
        pages[src] = f"{head}{LINKS_BEGIN}{marker_line}\n{line}{LINKS_END}{tail}"
    return pages


def with_table(page: str, hw, where: Path) -> str:
    """The book page with the text between the table markers replaced."""
    return replace_between_markers(page, TABLE_BEGIN, TABLE_END, book_table(hw), where)


def stale(files: dict[Path, str]) -> list[Path]:
    """The files whose content on disk differs from what would be built."""
    return [p for p, text in files.items()
            if not p.is_file() or p.read_text(encoding="utf-8") != text]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every stale or hand-edited file")
    parser.add_argument("--course", type=Path, default=HERE, help=argparse.SUPPRESS)
    parser.add_argument("--book", type=Path, default=ROOT / "book", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = outputs(args.course, args.book)
    changed, gone = stale(files), withdrawn(args.course, args.book)
    names = ", ".join(_shown(p) for p in changed + gone) or "-"
    if args.check:
        if changed or gone:
            print(f"stale or edited by hand: {names}; the sources are hwlib/problems/<slug>/ "
                  f"and assignments/homeworks/; rebuild with `{REBUILD}`")
            return 1
        print("notebooks and manifest are up to date")
        return 0
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
    for path in gone:
        path.unlink()
    print(f"{len(changed)} file(s) written, {len(gone)} removed: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
