"""The course's recorded settings: the secret, the grading version, per-student variants.

Conventions
-----------
* A grade depends only on the submission and these settings. They live in the
  course directory (``assignments/`` here):

  - ``course.yaml`` (committed): ``grading_version`` (an integer the instructor
    bumps on purpose when a case design changes; recorded with every grade) and
    ``variants`` (true: each student gets their own parameters);
  - the **course secret**: ``$HWLIB_COURSE_SECRET`` when set, else the file
    ``.course-secret`` beside ``course.yaml`` (never committed, mode 0600,
    created on first use by :func:`settings`). Keep it and back it up: every
    student's numbers and hidden cases are derived from it.

* Everything per student is a pure function of (secret, student id, problem,
  version) through :func:`hwlib.grading.design.case_seed` (SHA-256): the same
  inputs give the same numbers and cases on any machine, and knowing one's own
  seed says nothing about the secret or another student's.

* ``params_for(settings, student, problem_id)`` is the student's parameter set
  of a problem: drawn by the folder's ``variant(rng)`` (a statement-friendly
  draw, in ``reference.py``) or else the registry's ``sample`` when the problem varies,
  the problem's defaults when it does not (variants off, no sampler, or the
  folder's ``problem.yaml`` says ``variants: false`` with its reason).
"""
from __future__ import annotations

import os
import secrets as _secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

__all__ = ["CourseSettings", "settings", "variants_on", "params_for", "varies", "SECRET_ENV",
           "SECRET_FILE", "SETTINGS_FILE", "SAMPLES_SECRET"]

SECRET_ENV = "HWLIB_COURSE_SECRET"
SECRET_FILE = ".course-secret"
SETTINGS_FILE = "course.yaml"
SAMPLES_SECRET = "hwlib-bundled-samples"   # the scratch course that grades the bundled samples:
                                           # public on purpose, so sample grades are the same everywhere
VARIANT_VERSION = "variant-1"   # the derivation of parameters (not the grading version)


@dataclass(frozen=True)
class CourseSettings:
    """What a grade may depend on besides the submission."""

    secret: bytes
    grading_version: int = 1
    variants: bool = True
    secret_source: str = ""      # where the secret came from (for messages; never the secret)

    def __repr__(self) -> str:   # never print the secret
        return (f"CourseSettings(grading_version={self.grading_version}, "
                f"variants={self.variants}, secret_source={self.secret_source!r})")


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: should be a mapping of settings")
    return data


def _secret(course_dir: Path, create: bool) -> tuple[bytes, str]:
    env = os.environ.get(SECRET_ENV, "")
    if env.strip():
        return env.strip().encode("utf-8"), f"${SECRET_ENV}"
    path = course_dir / SECRET_FILE
    if path.is_file():
        text = path.read_text(encoding="utf-8").strip()
        if not text:
            raise ValueError(f"{path} is empty: restore the course secret from its backup "
                             f"(or delete the file to start a new course)")
        return text.encode("utf-8"), str(path)
    if not create:
        raise FileNotFoundError(
            f"no course secret: set ${SECRET_ENV} or create {path} "
            f"(python -m hwlib grade creates one on first use)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("utf-8"), str(path)


def _variants(data: dict, course_dir: Path) -> bool:
    variants = data.get("variants", True)
    if not isinstance(variants, bool):
        raise ValueError(f"{course_dir / SETTINGS_FILE}: variants should be true or false, "
                         f"got {variants!r}")
    return variants


def variants_on(course_dir: str | os.PathLike) -> bool:
    """Whether ``course.yaml`` gives each student their own numbers (no secret needed:
    the site's download and pages, built without one, use it)."""
    course_dir = Path(course_dir)
    return _variants(_read_yaml(course_dir / SETTINGS_FILE), course_dir)


def settings(course_dir: str | os.PathLike, create_secret: bool = True) -> CourseSettings:
    """The course's settings from ``course_dir`` (see the module docstring).

    Raises ValueError for a malformed ``course.yaml`` (naming the field) and
    FileNotFoundError when there is no secret and ``create_secret`` is False.
    """
    course_dir = Path(course_dir)
    data = _read_yaml(course_dir / SETTINGS_FILE)
    version = data.get("grading_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{course_dir / SETTINGS_FILE}: grading_version should be a "
                         f"positive integer, got {version!r}")
    variants = _variants(data, course_dir)
    secret, source = _secret(course_dir, create_secret)
    return CourseSettings(secret=secret, grading_version=version, variants=variants,
                          secret_source=source)


def varies(problem_id: str) -> bool:
    """Whether a problem gives each student their own parameters (folder's ``variants``)."""
    from . import registry
    from .problems import by_id

    try:
        folder = by_id(problem_id)
    except KeyError:
        folder = None
    if folder is not None and folder.meta.get("variants") is False:
        return False
    if folder is not None and folder.kind in ("manual", "model_file"):
        return False
    try:
        problem = registry.get(folder.reference_slug if folder else problem_id)
    except KeyError:
        return False
    return problem.sampler is not None


def params_for(course: CourseSettings, student: str, problem_id: str) -> dict[str, Any]:
    """The parameters ``student`` sees in ``problem_id``'s statement and is graded on.

    The defaults when variants are off or the problem does not vary.
    """
    from . import registry
    from .grading.design import case_seed
    from .problems import by_id, folder as get_folder

    folder = by_id(problem_id)
    reference = folder.reference_slug
    if reference is None:
        return {}
    problem = registry.get(reference)
    if not course.variants or not varies(problem_id):
        return dict(problem.defaults)
    seed = case_seed(course.secret, str(student), f"params:{folder.slug}", VARIANT_VERSION)
    rng = np.random.default_rng(seed)
    draw = getattr(get_folder(reference).module("reference"), "variant", None)
    if draw is None:
        return problem.sample(rng)
    return problem.params(registry.to_jsonable(draw(rng)))


def use_sample_settings(course_dir: str | os.PathLike,
                        base: str | os.PathLike | None = None) -> None:
    """Make ``course_dir`` (a scratch copy of the course) grade the bundled samples.

    The samples answer the statements' default numbers, so variants are off,
    and the secret is the public :data:`SAMPLES_SECRET`, so the samples get the
    same cases, and the same grades, on every machine. The other settings
    (``grading_version``) come from ``base``'s ``course.yaml`` (default:
    ``course_dir``'s own). Files are rewritten only when they change. Never use
    this for a class.
    """
    course_dir = Path(course_dir)
    data = _read_yaml(Path(base or course_dir) / SETTINGS_FILE)
    data["variants"] = False
    files = {SETTINGS_FILE: "# a scratch course grading the bundled samples "
                            "(hwlib.course.use_sample_settings)\n"
                            + yaml.safe_dump(data, sort_keys=True),
             SECRET_FILE: SAMPLES_SECRET + "\n"}
    for name, text in files.items():
        path = course_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
