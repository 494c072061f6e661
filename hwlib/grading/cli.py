"""The ``grade`` sub-command of ``python -m hwlib``.

    python -m hwlib grade hw2 [--course assignments] [--submissions DIR]
                              [--jobs N] [--seed S] [--force] [--cluster ADDRESS]
                              [--limit call_timeout=5 --limit memory_bytes=2e9 ...]
                              [--student ID ...] [--problem 2(c) ...]
    python -m hwlib grade hw2 --check-recorded [--student ID ...]
    python -m hwlib grade hw2 --reapply-penalties
    python -m hwlib grade all
    python -m hwlib grade hw2 --submissions DIR     (the class: into --course)
    python -m hwlib grade hw2 --collected           (the class: <course>/submitted/)

Without ``--submissions`` or ``--collected`` it grades the bundled samples
(``<course>/samples/<hw>/``) in a scratch copy of the course
(:mod:`hwlib.grading.sample_course`, default ``_build/sample-course/``), never
in the class's gradebook.

Grades every submission in bubblewrap sandboxes, in parallel, records the
grades in nbgrader's gradebook, writes feedback and ``grades.csv``, and prints
a per-student, per-problem table (see docs/grading.md).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

DEFAULT_COURSE = "assignments"


def parse_limit(text: str) -> tuple[str, float]:
    """``name=value`` for a sandbox limit (value a number)."""
    name, sep, raw = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--limit expects name=value, got {text!r}")
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--limit {name}: {raw!r} is not a number") from None
    return name.strip(), value


def register(subparsers) -> None:
    """Add ``grade`` to the ``python -m hwlib`` sub-commands."""
    p = subparsers.add_parser(
        "grade", help="autograde submissions in sandboxes, in parallel, into the gradebook",
        description="Release (if needed), autograde every submission in a bubblewrap "
                    "sandbox, generate feedback, export grades.csv, print the grades.")
    p.add_argument("assignment", help="assignment id (e.g. hw2), or 'all'")
    p.add_argument("--course", default=DEFAULT_COURSE,
                   help="nbgrader course directory (default: %(default)s)")
    p.add_argument("--submissions", default=None, metavar="DIR",
                   help="folder of <student>/<notebook> submissions (for 'all': of "
                        "<assignment>/<student>/...), graded into --course; default: the "
                        "bundled samples, graded in the scratch course --sample-course")
    p.add_argument("--collected", action="store_true",
                   help="grade the submissions already in <course>/submitted/ (nbgrader "
                        "collect) into --course, not the samples")
    p.add_argument("--sample-course", default=None, metavar="DIR",
                   help="scratch course the bundled samples are graded in (default: "
                        "_build/sample-course beside the course directory)")
    p.add_argument("--jobs", type=int, default=None,
                   help="parallel sandboxes (default: all cores)")
    p.add_argument("--seed", type=int, default=None,
                   help="stand-in for the course secret (experiments only; default: the "
                        "course secret, see docs/grading.md)")
    p.add_argument("--force", action="store_true",
                   help="regrade submissions that are already graded")
    p.add_argument("--student", action="append", default=None, metavar="ID",
                   help="grade only this student (repeatable); forced")
    p.add_argument("--problem", action="append", default=None, metavar="LABEL",
                   help="regrade only this problem (repeatable): the label students see "
                        "(2(c), 2c, hw2.2c), the problem id (hw2.q2c) or its slug. The "
                        "submission's answers run in the sandbox again, but only the named "
                        "problems' grades are recorded; the others keep their recorded "
                        "grades (a student not graded before gets every problem graded)")
    p.add_argument("--check-recorded", action="store_true",
                   help="re-derive the cases of the recorded grades (of --student, default "
                        "all) from the course settings and say whether they match, and "
                        "which setting (grading version, secret) differs; runs no sandbox")
    p.add_argument("--reapply-penalties", action="store_true",
                   help="recompute every submission's late penalty from its timestamp and "
                        "the gradebook's current due date; updates the gradebook and "
                        "grades.csv, runs no sandbox, changes no score")
    p.add_argument("--limit", action="append", type=parse_limit, default=[],
                   metavar="NAME=VALUE",
                   help="change a sandbox limit, e.g. call_timeout=5 (see docs/grading.md)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="grade on the Dask cluster whose scheduler is ADDRESS (e.g. "
                        "tcp://host:8786); default: $%s, else c.%s.cluster in the course's "
                        "nbgrader_config.py, else the local pool ('local' forces it); "
                        "see docs/cluster.md" % (CLUSTER_ENV, CLUSTER_SECTION))
    p.set_defaults(func=run)


CLUSTER_ENV = "HWLIB_GRADE_CLUSTER"   # a scheduler address, or "local"
CLUSTER_SECTION = "HwlibGrade"        # nbgrader_config.py: c.HwlibGrade.cluster = "tcp://..."


def cluster_address(course: Path, given: str | None = None) -> str | None:
    """The Dask scheduler to grade on, or None for the local pool.

    Order: ``given`` (``--cluster``), ``$HWLIB_GRADE_CLUSTER``, then
    ``c.HwlibGrade.cluster`` in the course's ``nbgrader_config.py``; the value
    ``local`` means the local pool.
    """
    import os

    value = given or os.environ.get(CLUSTER_ENV)
    if not value:
        from .gradebook import load_config

        section = load_config(course).get(CLUSTER_SECTION)
        value = section.get("cluster") if section is not None else None
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{course}/nbgrader_config.py: c.{CLUSTER_SECTION}.cluster must "
                             f"be a scheduler address string, got {value!r}")
    value = (value or "").strip()
    return None if value in ("", "local") else value


def _limits(pairs):
    from .sandbox import Limits

    defaults = Limits()
    changes = {}
    for name, value in pairs:
        current = getattr(defaults, name, None)
        changes[name] = int(value) if isinstance(current, int) else value
    return defaults.with_overrides(**changes)


def _grade_each(engine, course: Path, assignment: str, samples: Path | None, kwargs) -> list:
    """Grade ``assignment`` (or every one, for ``all``) from ``samples/<hw>/`` where
    that folder exists; with ``samples`` None (``--collected``), only what is already
    in ``<course>/submitted/`` (an empty folder stands in for the submissions, so
    the engine's default, the course's own samples, is not used)."""
    import tempfile

    from .scoring import load_manifest

    names = list(load_manifest(course)) if assignment == "all" else [assignment]
    with tempfile.TemporaryDirectory(prefix="hwlib-none-") as nothing:
        return [engine.grade(course, name, samples / name if samples is not None
                             and (samples / name).is_dir() else nothing, **kwargs)
                for name in names]


def run(args: argparse.Namespace) -> int:
    """Handler of ``grade``: grade, print the table(s); exit code 0 on success."""
    from . import engine
    from .sandbox import SandboxUnavailable

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    course = Path(args.course)
    if not (course / "manifest.json").is_file():
        print(f"error: {course} is not a course directory (no manifest.json)", file=sys.stderr)
        return 2
    if args.check_recorded or args.reapply_penalties:
        return _without_sandbox(args, course)   # the class's gradebook in --course
    samples = None
    if args.submissions is None and not args.collected:
        from . import sample_course

        samples = course.resolve() / "samples"
        course = sample_course.prepare(course, args.sample_course)
        print(f"grading the bundled samples in the scratch course {course} (the class's "
              f"gradebook is untouched; --submissions DIR or --collected grades the class)")
    kwargs = dict(jobs=args.jobs, seed=args.seed, force=args.force,
                  limits=_limits(args.limit), progress=not args.no_progress,
                  cluster=cluster_address(course, args.cluster))
    if args.student or args.problem:
        if args.assignment == "all":
            print("error: --student and --problem need one assignment, not 'all'",
                  file=sys.stderr)
            return 2
        kwargs.update(students=args.student, problems=args.problem)
    try:
        if samples is not None or args.collected:
            reports = _grade_each(engine, course, args.assignment, samples, kwargs)
        elif args.assignment == "all":
            reports = engine.grade_all(course, args.submissions, **kwargs)
        else:
            reports = [engine.grade(course, args.assignment, args.submissions, **kwargs)]
    except SandboxUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except ConnectionError as exc:  # --cluster: no scheduler, or no worker
        print(f"error: {exc}", file=sys.stderr)
        return 4
    except ValueError as exc:  # an unknown student or problem
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for report in reports:
        done = len(report.regraded)
        print(f"\n{report.table()}\n({done} graded now, "
              f"{len(report.scores) - done} already graded)")
    print(f"\ngrades: {course / 'grades.csv'}; feedback: {course / 'feedback'}")
    return 0


def _without_sandbox(args: argparse.Namespace, course: Path) -> int:
    """``--check-recorded`` and ``--reapply-penalties``: read (or fix) the gradebook only."""
    from . import engine, records

    if args.assignment == "all":
        print("error: --check-recorded and --reapply-penalties need one assignment",
              file=sys.stderr)
        return 2
    try:
        if args.reapply_penalties:
            changed = engine.reapply_penalties(course, args.assignment)
            for student, (old, new) in sorted(changed.items()):
                note = "" if old == new else f" (was {old:g})"
                print(f"{student}: late penalty {new:g}{note}")
            print(f"\ngrades: {course / 'grades.csv'}")
        if args.check_recorded:
            found = engine.check_recorded(course, args.assignment, args.student, seed=args.seed)
            ok = True
            for student, results in found.items():
                for line in records.describe(student, results):
                    print(line)
                ok = ok and all(r["match"] for r in results)
            print("\nall recorded cases match" if ok else "\nsome recorded cases do NOT match")
            return 0 if ok else 1
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
