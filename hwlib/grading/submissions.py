"""Submissions on disk: collecting them, their fingerprints, their done-markers.

Conventions
-----------
* ``<course>/submitted/<student>/<assignment>/`` holds the copy that is graded
  (regular files only, no dot files, none over :data:`MAX_COPY_BYTES`).
* A submission's fingerprint is SHA-256 of its files and of the problems it is
  graded on (not their labels): a done-marker
  ``<course>/.grading/<assignment>/<student>.json`` holding the same
  fingerprint means "already graded, nothing to do".
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from pathlib import Path

from . import scoring

log = logging.getLogger(__name__)

STATE_DIR = ".grading"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
MAX_COPY_BYTES = 512 * 1024 * 1024   # larger submitted files are not copied


def _fingerprint(folder: Path, assignment: scoring.Assignment) -> str:
    """Hash of a submission's files and of the problems it is graded on."""
    digest = hashlib.sha256(json.dumps([p.grading_fields() for p in assignment.problems],
                                       sort_keys=True).encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _copy_submission(src: Path, dest: Path) -> None:
    """Copy regular files of one student's folder (no symlinks, no huge files)."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_symlink() or not path.is_file() or any(
                part.startswith(".") for part in rel.parts):
            continue
        if path.stat().st_size > MAX_COPY_BYTES:
            log.warning("not copying %s: larger than %d bytes", path, MAX_COPY_BYTES)
            continue
        target = dest / rel
        if target.is_file() and target.read_bytes() == path.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o644)
            target.unlink()
        shutil.copyfile(path, target)


def collect_submissions(course_dir: Path, assignment: str, submissions_dir: Path | None,
                        submitted_name: str = "submitted") -> list[str]:
    """Copy ``<submissions_dir>/<student>/`` into submitted/; list all students.

    Default submissions_dir: ``<course>/samples/<assignment>`` when it exists.
    Students already under submitted/ are graded too.
    """
    if submissions_dir is None:
        default = course_dir / "samples" / assignment
        submissions_dir = default if default.is_dir() else None
    if submissions_dir is not None:
        submissions_dir = Path(submissions_dir)
        if not submissions_dir.is_dir():
            raise ValueError(f"submissions directory {submissions_dir} does not exist")
        for folder in sorted(submissions_dir.iterdir()):
            if not folder.is_dir() or folder.is_symlink():
                continue
            if not STUDENT_ID.match(folder.name):
                log.warning("skipping %s: not a valid student id", folder)
                continue
            _copy_submission(folder, course_dir / submitted_name / folder.name / assignment)
    root = course_dir / submitted_name
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir()
                  if (d / assignment).is_dir() and STUDENT_ID.match(d.name))


def _marker(course_dir: Path, assignment: str, student: str) -> Path:
    return course_dir / STATE_DIR / assignment / f"{student}.json"


def _write_marker(path: Path, data: dict) -> None:
    """Atomic write: a kill leaves either the old marker or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _read_marker(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
