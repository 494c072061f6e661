"""Generate the book's notebooks (book/*.ipynb) from their readable sources (book/src/*.md).

Why: the pages must be .ipynb (nbval collects only notebooks), but notebooks
are awkward to write and review by hand. A source is MyST-like markdown:

* markdown cells are separated by a line holding only ``+++``;
* a code cell is a fenced block opened by a line starting with
  ```` ```{code-cell} ```` and closed by a line holding only three back-ticks;
  an optional first line ``:tags: [hide-input, ...]`` sets the cell's tags.

The notebooks are written without outputs (the build and nbval execute them)
and with stable cell ids, so regenerating an unchanged source changes nothing.

Usage (from the repository root):
    .venv/bin/python book/build_pages.py           # rewrite every notebook
    .venv/bin/python book/build_pages.py --check   # exit 1 if any is stale
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parent
SOURCES = BOOK / "src"
CODE_OPEN = re.compile(r"^```\{code-cell\}")
TAGS = re.compile(r"^:tags:\s*\[(.*)\]\s*$")
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse_cells(text: str, where: str) -> list[tuple[str, str, list[str]]]:
    """Split a source into (kind, text, tags) triples; kind is 'markdown' or 'code'."""
    cells: list[tuple[str, str, list[str]]] = []
    markdown: list[str] = []
    lines = text.splitlines()
    i = 0

    def flush_markdown() -> None:
        body = "\n".join(markdown).strip("\n")
        if body.strip():
            cells.append(("markdown", body, []))
        markdown.clear()

    while i < len(lines):
        line = lines[i]
        if CODE_OPEN.match(line):
            flush_markdown()
            i += 1
            tags: list[str] = []
            if i < len(lines) and TAGS.match(lines[i]):
                tags = [t.strip() for t in TAGS.match(lines[i]).group(1).split(",") if t.strip()]
                i += 1
            code: list[str] = []
            while i < len(lines) and lines[i].rstrip() != "```":
                code.append(lines[i])
                i += 1
            if i == len(lines):
                raise ValueError(f"{where}: code cell opened but never closed with ```")
            cells.append(("code", "\n".join(code).strip("\n"), tags))
        elif line.strip() == "+++":
            flush_markdown()
        else:
            markdown.append(line)
        i += 1
    flush_markdown()
    return cells


def build_notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook for one source file (no outputs, stable cell ids)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNEL),
                   "language_info": {"name": "python"}}
    for n, (kind, text, tags) in enumerate(parse_cells(source.read_text(), str(source))):
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        cell = make(text)
        cell.id = f"{source.stem}-{n:02d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render(source: Path) -> str:
    return nbformat.writes(build_notebook(source)) + "\n"


def targets() -> list[tuple[Path, Path]]:
    """(source, notebook) pairs: book/src/NAME.md -> book/NAME.ipynb."""
    return [(src, BOOK / f"{src.stem}.ipynb") for src in sorted(SOURCES.glob("*.md"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that differ from their sources")
    args = parser.parse_args(argv)
    stale = []
    for src, nb_path in targets():
        text = render(src)
        if nb_path.exists() and nb_path.read_text() == text:
            continue
        stale.append(nb_path.name)
        if not args.check:
            nb_path.write_text(text)
    verb = "stale" if args.check else "written"
    print(f"{len(stale)} notebook(s) {verb}: {', '.join(stale) or '-'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
