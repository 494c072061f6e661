"""The feedback page's exporter, separate from every other HTML exporter.

nbgrader renders two kinds of HTML with nbconvert's ``HTMLExporter``: the
students' feedback (``nbgrader generate_feedback``) and the grader's view in
formgrader (template ``formgrade``). Configuring ``HTMLExporter`` itself in
``nbgrader_config.py`` changes both, and formgrader's manual-grading page then
fails with HTTP 500 (it looks for its own template under the feedback
template's name). :class:`OfflineFeedbackExporter` is the feedback's own
exporter class, selected with ``c.GenerateFeedback.exporter_class``; its
settings live in its own config section and leave formgrader untouched.
"""
from __future__ import annotations

from nbconvert.exporters import HTMLExporter


class OfflineFeedbackExporter(HTMLExporter):
    """HTML exporter of the feedback pages (template ``feedback_offline``:
    nothing is loaded from a CDN, formulas are typeset by an inline MathJax:
    :mod:`hwlib.grading.feedback_page`). Configure it as ``c.OfflineFeedbackExporter``."""

    export_from_notebook = None  # not offered in the notebook UI's download menu

    def default_filters(self):
        """nbconvert's filters and the template's ``hwlib_offline_head`` (the page head
        with the inline MathJax and its Content-Security-Policy)."""
        from .feedback_page import offline_head

        yield from super().default_filters()
        yield ("hwlib_offline_head", offline_head)

    def from_notebook_node(self, nb, resources=None, **kw):
        """nbconvert's page, then the inline MathJax at the head's marker (after
        nbconvert's BeautifulSoup pass, which need not parse 2.5 MB of script)."""
        from .feedback_page import insert_mathjax

        html, resources = super().from_notebook_node(nb, resources, **kw)
        return insert_mathjax(html), resources


def configure_feedback(c, templates: list[str]) -> None:
    """Point ``GenerateFeedback`` of the traitlets config ``c`` at the offline
    template, through the feedback's own exporter only: the sanitising subclass
    of :class:`OfflineFeedbackExporter` (student markdown cannot run scripts or
    load anything), so plain ``nbgrader generate_feedback`` is as safe as the
    engine's."""
    from .feedback_html import SafeFeedbackExporter

    c.GenerateFeedback.exporter_class = SafeFeedbackExporter
    # nbgrader's GetGrades, plus pending manual parts and the page's total
    if "preprocessors" in c.GenerateFeedback:
        c.GenerateFeedback.preprocessors = [
            "hwlib.grading.feedback_page.GetFeedbackGrades"
            if p == "nbgrader.preprocessors.GetGrades" else p
            for p in c.GenerateFeedback.preprocessors]
    c.OfflineFeedbackExporter.template_name = "feedback_offline"
    c.OfflineFeedbackExporter.template_file = "offline.html.j2"
    c.OfflineFeedbackExporter.extra_template_basedirs = list(templates)
