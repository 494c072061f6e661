"""Sanitising the HTML of rendered markdown on feedback pages (``nh3``).

A student's markdown answer may hold raw HTML: ``<script>``, ``<iframe>``,
``<img src=http://...>``, event handlers, ``<style>`` with ``@import``,
``javascript:`` links. The feedback page renders markdown with nbconvert
(which passes raw HTML through); :class:`SafeFeedbackExporter` runs every
rendered markdown cell through ``nh3`` (the Rust ``ammonia`` sanitiser), with
its default allow-list of harmless tags and attributes plus ``class``/``id``
(nbconvert's heading anchors and code highlighting use them), and one extra
rule that keeps the page offline: nothing may be loaded from a URL. ``src``
and the like keep only inline ``data:image/`` values, links keep only
``http(s):``, ``mailto:`` and in-page ``#`` targets (a link loads nothing
until clicked). ``<script>``, ``<style>``, ``<iframe>``... go with their content.
"""
from __future__ import annotations

import html as _html
import re

import nh3
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter

from .exporters import OfflineFeedbackExporter

MAX_HTML_CHARS = 2_000_000    # longer rendered markdown is cut before sanitising
_TAG = re.compile(r"<[A-Za-z]")
_MAX_TAGS: list[int] = []


def configure(limits) -> None:
    """Use ``limits.feedback_max_tags`` in this process (the engine's workers)."""
    _MAX_TAGS[:] = [int(limits.feedback_max_tags)]


def _max_tags() -> int:
    if not _MAX_TAGS:
        from .sandbox import Limits
        _MAX_TAGS.append(Limits().feedback_max_tags)
    return _MAX_TAGS[0]

_LOADING = {"src", "srcset", "poster", "background", "lowsrc", "dynsrc", "longdesc",
            "action", "formaction", "data", "cite", "usemap", "xlink:href", "ping"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"class", "id", "title", "lang", "dir"}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript",
                      "template", "svg", "math", "frame", "frameset", "applet",
                      "audio", "video", "link", "meta", "base", "form", "textarea",
                      "select", "title"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in _LOADING:
        return value if value.strip().lower().startswith("data:image/") else None
    if attribute == "href":
        v = value.strip().lower()
        return value if v.startswith(("http://", "https://", "mailto:", "#")) else None
    return value


def sanitize(html: str) -> str:
    """Harmless HTML from untrusted HTML: nothing runs, nothing is loaded.

    HTML with more than ``feedback_max_tags`` tags is shown as escaped text
    (the sanitiser's time grows with the square of the nesting depth: 40,000
    nested ``<div>`` took 5 s).
    """
    html = str(html)[:MAX_HTML_CHARS]
    limit = _max_tags()
    if sum(1 for _ in zip(range(limit + 1), _TAG.finditer(html))) > limit:
        return (f"<p><em>(more than {limit} HTML tags: shown as text)</em></p>"
                f"<pre>{_html.escape(html[:200_000])}</pre>")
    return nh3.clean(html, attributes=_ATTRIBUTES,
                     clean_content_tags=_DROP_WITH_CONTENT - nh3.ALLOWED_TAGS,
                     attribute_filter=_attribute_filter,
                     url_schemes={"http", "https", "mailto", "data"},
                     link_rel="noopener noreferrer nofollow")


class SafeFeedbackExporter(OfflineFeedbackExporter):
    """The feedback pages' exporter whose markdown cells come out sanitised
    (configured like :class:`OfflineFeedbackExporter`)."""

    @pass_context
    def markdown2html(self, context, source):
        return sanitize(HTMLExporter.markdown2html(self, context, source))
