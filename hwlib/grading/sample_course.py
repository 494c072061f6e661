"""A scratch course for grading the bundled sample submissions.

Conventions
-----------
* The class's course directory (``assignments/``) holds the real class's records:
  ``gradebook.db``, ``grades.csv``, ``submitted/``, ``autograded/``, ``feedback/``,
  ``.grading/`` and the course secret. Grading the bundled samples
  (``assignments/samples/<hw>/<student>/``, what ``make`` and a plain
  ``python -m hwlib grade hw2`` do) must never write any of them.
* So the samples are graded in a **scratch course**, by default
  ``<parent of the course>/_build/sample-course/`` (``_build/sample-course/`` for
  ``assignments/``): a copy of the course's configuration (``nbgrader_config.py``,
  ``course.yaml``), ``manifest.json`` and ``source/``, refreshed on every run; its
  own gradebook, release, feedback and ``grades.csv`` accumulate there, so a rerun
  regrades nothing that did not change. ``make clean`` removes it with ``_build/``.
* The scratch course never receives the class's secret: it grades with the
  public sample settings (:func:`hwlib.course.use_sample_settings`: variants
  off, because the samples answer the statements' default numbers, and a
  published secret, so sample grades are the same on every machine), unless
  ``$HWLIB_COURSE_SECRET`` is set.
"""
from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

__all__ = ["COPIED_FILES", "default_location", "prepare"]

# What the scratch course copies from the class's course (everything grading reads).
COPIED_FILES = ("nbgrader_config.py", "manifest.json")   # course.yaml: use_sample_settings
COPIED_DIRS = ("source",)


def default_location(course_dir: str | Path) -> Path:
    """``<parent of course_dir>/_build/sample-course`` (absolute)."""
    return Path(course_dir).resolve().parent / "_build" / "sample-course"


def prepare(course_dir: str | Path, scratch: str | Path | None = None) -> Path:
    """Create or refresh the scratch course of ``course_dir``; return its path.

    course_dir: the class's course directory (must hold ``manifest.json``).
    scratch: where the scratch course lives (default :func:`default_location`);
    it must not be ``course_dir`` itself nor lie inside it.
    Files are copied with their modification times, so an unchanged source keeps
    the scratch release fresh (no regeneration, no regrading).
    """
    course = Path(course_dir).resolve()
    if not (course / "manifest.json").is_file():
        raise ValueError(f"course_dir {course} is not a course directory (no manifest.json)")
    target = Path(scratch).resolve() if scratch is not None else default_location(course)
    if target == course or course in target.parents:
        raise ValueError(f"scratch {target} must lie outside the class's course {course}")
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        src, dest = course / name, target / name
        if src.is_file():
            if not dest.is_file() or not filecmp.cmp(src, dest, shallow=False):
                shutil.copy2(src, dest)
        elif dest.exists():
            dest.unlink()
    from ..course import use_sample_settings

    use_sample_settings(target, base=course)
    for name in COPIED_DIRS:
        src, dest = course / name, target / name
        if dest.exists():
            shutil.rmtree(dest)
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(
                "__pycache__", ".ipynb_checkpoints"))
    return target
