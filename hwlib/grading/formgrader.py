"""nbgrader's formgrader and plain ``nbgrader autograde`` under this course.

Conventions
-----------
* Plain nbgrader autograde runs every cell of a submission, hidden tests
  included, in a kernel with the grader's rights: no sandbox, none of the
  grader's bounds. The course's ``nbgrader_config.py`` therefore sets
  ``c.Autograde.exporter_class`` to :class:`SandboxOnlyExporter`, which refuses
  to be built for nbgrader's plain ``Autograde`` converter, before it touches
  anything (no file removed, nothing written to the gradebook), with a message
  naming the sandboxed command ``python -m hwlib grade <hw> --collected``. That
  covers ``nbgrader autograde`` on the command line and formgrader's Autograde
  button (``POST /formgrader/api/submission/<hw>/<student>/autograde``: its
  JSON answer has ``success: false`` and the message in ``error`` and ``log``).
  The engine's own converter (:class:`hwlib.grading.gradebook.SandboxAutograde`,
  which only records sandbox results and executes nothing) is let through.
  A deliberate unsandboxed run (the benchmark) passes
  ``--Autograde.exporter_class=nbconvert.exporters.NotebookExporter``.
* The formgrader UI: this module is also a Jupyter server extension
  (``python -m hwlib formgrader`` starts a server with it: hwlib/grading/formgrader_cli.py)
  that puts :data:`TEMPLATE_DIR` in front of
  formgrader's own templates: the "Manage Submissions" page then shows a note
  "Autograde with ``python -m hwlib grade <hw> --collected`` (sandboxed)" and no
  Autograde buttons. Manual grading, feedback and everything else are nbgrader's.
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.exporters import NotebookExporter

__all__ = ["SandboxOnlyExporter", "UnsandboxedAutograde", "TEMPLATE_DIR", "refusal"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "formgrader"
JINJA_SETTING = "nbgrader_jinja2_env"   # formgrader's Jinja environment in the tornado settings


class UnsandboxedAutograde(RuntimeError):
    """Plain nbgrader autograde was asked for; the message names the sandboxed command."""


def refusal(assignment: str | None) -> str:
    """The message shown instead of running plain nbgrader autograde."""
    hw = assignment if assignment and assignment not in ("*", "") else "hwN"
    return (f"plain nbgrader autograde is disabled for this course: it would run the "
            f"submitted code unsandboxed. Autograde with `python -m hwlib grade {hw} "
            f"--collected` (sandboxed; see docs/grading.md), then grade the written answers "
            f"here in formgrader.")


class SandboxOnlyExporter(NotebookExporter):
    """nbgrader's autograde exporter (a NotebookExporter) that exists only for the
    sandboxed engine: built for any other converter it raises UnsandboxedAutograde."""

    def __init__(self, config=None, **kw):
        from .gradebook import SandboxAutograde

        parent = kw.get("parent")
        if not isinstance(parent, SandboxAutograde):
            coursedir = getattr(parent, "coursedir", None)
            raise UnsandboxedAutograde(refusal(getattr(coursedir, "assignment_id", None)))
        super().__init__(config=config, **kw)


# --------------------------------------------------------------------------- server extension
def _jupyter_server_extension_points():
    return [{"module": "hwlib.grading.formgrader"}]


def use_course_templates(settings: dict) -> bool:
    """Put TEMPLATE_DIR before formgrader's templates; False when formgrader's
    Jinja environment is not in ``settings`` (yet)."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    env = settings.get(JINJA_SETTING)
    if env is None:
        return False
    if not getattr(env, "_hwlib_templates", False):
        env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATE_DIR)), env.loader])
        if env.cache is not None:
            env.cache.clear()
        env._hwlib_templates = True
    return True


def _load_jupyter_server_extension(serverapp) -> None:
    """Formgrader's extension may load after this one (extensions load by name):
    patch now if its Jinja environment exists, else once the server's loop runs."""
    from tornado.ioloop import IOLoop

    settings = serverapp.web_app.settings

    def patch():
        if not use_course_templates(settings):
            serverapp.log.warning("hwlib.grading.formgrader: formgrader is not loaded; "
                                  "its Autograde buttons are not hidden")

    if not use_course_templates(settings):
        IOLoop.current().add_callback(patch)
