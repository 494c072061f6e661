"""The ``formgrader`` sub-command of ``python -m hwlib``: manual grading, safely.

    python -m hwlib formgrader [--course assignments] [--port 8888] [-- JUPYTER-SERVER-ARGS]

Starts ``jupyter server`` in the course directory with nbgrader's formgrader and
:mod:`hwlib.grading.formgrader` (whose Manage Submissions page offers no
Autograde button but a note naming ``python -m hwlib grade <hw> --collected``)
and opens nothing; the address with its token is printed by the server. The
course's ``nbgrader_config.py`` refuses plain autograde whichever way it is
started. Grade the written answers under "Manual Grading", then "Generate
Feedback", then ``python -m hwlib export canvas`` (see docs/grading.md).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

# a Python literal, as traitlets reads a dict option of the command line
EXTENSIONS = '{"hwlib.grading.formgrader": True, "nbgrader.server_extensions.formgrader": True}'


def command(course: Path, port: int, extra: list[str]) -> list[str]:
    """The jupyter server command line (run with ``cwd=course``)."""
    return [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
            f"--ServerApp.root_dir={course.resolve()}",
            f"--ServerApp.jpserver_extensions={EXTENSIONS}", *extra]


def register(subparsers) -> None:
    """Add ``formgrader`` to the ``python -m hwlib`` sub-commands."""
    p = subparsers.add_parser(
        "formgrader", help="start nbgrader's formgrader on the course, Autograde button hidden",
        description="Manual grading in nbgrader's formgrader; autograde with "
                    "`python -m hwlib grade <hw> --collected` (sandboxed).")
    p.add_argument("--course", default="assignments",
                   help="nbgrader course directory (default: %(default)s)")
    p.add_argument("--port", type=int, default=8888, help="port (default: %(default)s)")
    p.add_argument("extra", nargs=argparse.REMAINDER,
                   help="further jupyter server options, after --")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    course = Path(args.course)
    if not (course / "nbgrader_config.py").is_file():
        print(f"error: {course} is not a course directory (no nbgrader_config.py)",
              file=sys.stderr)
        return 2
    extra = [a for a in args.extra if a != "--"]
    return subprocess.call(command(course, args.port, extra), cwd=course)
