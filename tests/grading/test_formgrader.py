"""formgrader and the course's nbgrader_config.py: does formgrader render under it, and is
plain (unsandboxed) autograde refused?

formgrader renders a submission for manual grading with nbconvert's
HTMLExporter and its own ``formgrade`` template. These tests build that
exporter exactly as nbgrader's FormgradeExtension does (the course config
plus formgrader's extra config) and render a course notebook with the
resources formgrader's submission handler passes.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.converters import GenerateFeedback
from nbgrader.server_extensions.formgrader import handlers
from traitlets.config import Config, PyFileConfigLoader

from hwlib.grading.exporters import OfflineFeedbackExporter
from hwlib.grading.feedback_html import SafeFeedbackExporter

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "assignments"
NOTEBOOK = COURSE / "source" / "hw2" / "hw2.ipynb"
RESOURCES = {"assignment_id": "hw2", "notebook_id": "hw2", "submission_id": "abc123",
             "index": 0, "total": 1, "base_url": "", "student": "s001",
             "last_name": "Doe", "first_name": "Jo", "notebook_path": "autograded/s001/hw2/hw2.ipynb"}


def course_config() -> Config:
    return PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()


def formgrader_exporter(config: Config) -> HTMLExporter:
    """The exporter of formgrader's submission page (FormgradeExtension's recipe)."""
    extra = Config()
    extra.HTMLExporter.template_name = "formgrade"
    extra.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    merged = Config(config)
    merged.merge(extra)
    return HTMLExporter(config=merged)


def test_formgrader_renders_a_submission_with_the_course_config():
    """Does formgrader's manual-grading page render a course notebook under the
    course's nbgrader_config.py (no template error, formgrader's own page)?"""
    html, _ = formgrader_exporter(course_config()).from_filename(str(NOTEBOOK),
                                                                 resources=dict(RESOURCES))
    assert "formgrade" in html          # formgrader's scripts and styles
    assert "s001" in html or "Doe" in html


def test_a_global_html_exporter_setting_breaks_formgrader():
    """Control: with the feedback template set on HTMLExporter itself (the old
    config), does formgrader's page fail to render, as the HTTP 500 did?"""
    config = course_config()
    config.HTMLExporter.template_file = "offline.html.j2"
    with pytest.raises(Exception):
        formgrader_exporter(config).from_filename(str(NOTEBOOK), resources=dict(RESOURCES))


def test_feedback_uses_its_own_offline_exporter():
    """Does plain `nbgrader generate_feedback` under the course config use the
    offline feedback template, through its own sanitising exporter class, while a plain
    HTMLExporter keeps nbconvert's defaults?"""
    config = course_config()
    converter = GenerateFeedback(config=config)
    assert converter.exporter_class is SafeFeedbackExporter
    assert issubclass(SafeFeedbackExporter, OfflineFeedbackExporter)
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    assert (exporter.template_name, exporter.template_file) == ("feedback_offline",
                                                               "offline.html.j2")
    assert any(Path(d, "feedback_offline").is_dir() for d in exporter.extra_template_basedirs)
    plain = HTMLExporter(config=config)
    assert plain.template_name != "feedback_offline"
    assert "offline" not in str(plain.template_file)


# --------------------------------------------------------------------------- plain autograde
def test_plain_autograde_is_refused_naming_the_sandboxed_command():
    """Under the course config, does building plain nbgrader Autograde's exporter (what
    `nbgrader autograde` and formgrader's Autograde button do first) raise, naming
    `python -m hwlib grade hw2 --collected`, while the engine's SandboxAutograde gets
    an ordinary notebook exporter?"""
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters import Autograde

    from hwlib.grading.formgrader import SandboxOnlyExporter, UnsandboxedAutograde
    from hwlib.grading.gradebook import SandboxAutograde

    from nbgrader.coursedir import CourseDirectory

    config = course_config()
    coursedir = CourseDirectory(config=config, root=str(COURSE))
    coursedir.assignment_id = "hw2"
    plain = Autograde(coursedir=coursedir, config=config)
    assert plain.exporter_class is SandboxOnlyExporter
    with pytest.raises(UnsandboxedAutograde, match=r"python -m hwlib grade hw2 --collected"):
        plain.exporter_class(parent=plain, config=plain.config)
    ours = SandboxAutograde(coursedir=coursedir, config=config)
    exporter = ours.exporter_class(parent=ours, config=ours.config)
    assert isinstance(exporter, NotebookExporter)


def test_nbgrader_autograde_command_fails_before_touching_anything(tmp_path):
    """Does `nbgrader autograde toy` in a course with this config exit non-zero with
    the message, writing no autograded notebook, no student in the gradebook and
    leaving the submission as it was, while the benchmarks' explicit opt-in still
    autogrades?"""
    import os
    import shutil
    import subprocess
    import sys

    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(REPO / "tests" / "grading" / "fixtures" / "toy", course)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    env = dict(os.environ, PYTHONPATH=str(REPO),   # nbgrader runs `alembic` from PATH
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))

    def nbgrader(*args):
        return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                              capture_output=True, text=True, timeout=300)

    assert nbgrader("generate_assignment", "toy", "--force").returncode == 0
    submitted = course / "submitted" / "alice" / "toy" / "toy.ipynb"
    submitted.parent.mkdir(parents=True)
    shutil.copy(course / "release" / "toy" / "toy.ipynb", submitted)
    original = submitted.read_bytes()
    done = nbgrader("autograde", "toy", "--force")
    assert done.returncode != 0
    assert "python -m hwlib grade toy --collected" in done.stdout + done.stderr
    assert not (course / "autograded").exists() and submitted.read_bytes() == original
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert [s.id for s in gb.students] == []
    # control: the deliberate opt-in (the benchmarks') does run plain autograde
    forced = nbgrader("autograde", "toy", "--force",
                      "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter")
    assert forced.returncode == 0, forced.stdout[-2000:] + forced.stderr[-2000:]
    assert (course / "autograded" / "alice" / "toy" / "toy.ipynb").is_file()


def test_course_templates_go_first_in_formgrader():
    """Does the server extension put hwlib's manage_submissions.tpl (the note, no
    Autograde link) in front of formgrader's, keep formgrader's other templates,
    and report False when formgrader is not loaded?"""
    from jinja2 import Environment, FileSystemLoader

    from hwlib.grading.formgrader import use_course_templates

    env = Environment(loader=FileSystemLoader([handlers.template_path]))
    assert use_course_templates({}) is False
    assert use_course_templates({"nbgrader_jinja2_env": env}) is True
    assert use_course_templates({"nbgrader_jinja2_env": env}) is True   # idempotent
    page = env.get_template("manage_submissions.tpl").render(
        base_url="", assignment_id="hw3", course_dir="/c", mathjax_url="")
    assert "python -m hwlib grade hw3 --collected</code> (sandboxed)" in page
    assert "td.autograde > a { display: none; }" in page
    assert 'nbgrader autograde "hw3"' not in page    # formgrader's own instructions are gone
    assert "Manage Assignments" in env.get_template("manage_assignments.tpl").render(
        base_url="", mathjax_url="")


def test_formgrader_command_line(tmp_path):
    """Does `python -m hwlib formgrader` parse, start jupyter server in the course with
    both formgrader extensions, and refuse a folder without nbgrader_config.py?"""
    from hwlib.cli import build_parser
    from hwlib.grading import formgrader_cli

    args = build_parser().parse_args(["formgrader", "--course", "c", "--port", "9000"])
    assert (args.func, args.course, args.port) == (formgrader_cli.run, "c", 9000)
    argv = formgrader_cli.command(Path("c"), 9000, ["--allow-root"])
    assert argv[1:3] == ["-m", "jupyter_server"] and "--port=9000" in argv
    assert f"--ServerApp.root_dir={Path('c').resolve()}" in argv and argv[-1] == "--allow-root"
    extensions = next(a for a in argv if a.startswith("--ServerApp.jpserver_extensions="))
    assert '"hwlib.grading.formgrader": True' in extensions
    assert '"nbgrader.server_extensions.formgrader": True' in extensions
    args = build_parser().parse_args(["formgrader", "--course", str(tmp_path)])
    assert args.func(args) == 2
