"""formgrader and the course's nbgrader_config.py.

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
