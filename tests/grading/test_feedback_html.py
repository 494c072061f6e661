"""The feedback pages' HTML sanitiser (hwlib.grading.feedback_html), unit level.

The browser test (test_feedback_browser.py) checks a real page; here each
rule is checked on exact strings.
"""
from __future__ import annotations

import time

import pytest

from hwlib.grading import feedback_html, sandbox


@pytest.mark.parametrize("dirty,clean", [
    ("<p>ok <b>bold</b></p><script>alert(1)</script>", "<p>ok <b>bold</b></p>"),
    ('<img src="http://203.0.113.7/t.png" onerror="alert(1)">', "<img>"),
    ('<img src="data:image/png;base64,AAAA" alt="x">',
     '<img src="data:image/png;base64,AAAA" alt="x">'),
    ('<img src="//203.0.113.7/t.png">', "<img>"),
    ('<iframe src="http://203.0.113.7/"></iframe>after', "after"),
    ('<style>@import url(http://203.0.113.7/x.css);</style>text', "text"),
    ('<a href="javascript:alert(1)">j</a>', '<a rel="noopener noreferrer nofollow">j</a>'),
    ('<a href="https://example.org/">k</a>',
     '<a href="https://example.org/" rel="noopener noreferrer nofollow">k</a>'),
    ('<p style="background:url(http://203.0.113.7/b.png)">s</p>', "<p>s</p>"),
    ('<h2 id="Q1">Q1<a class="anchor-link" href="#Q1">\u00b6</a></h2>',
     '<h2 id="Q1">Q1<a class="anchor-link" href="#Q1" rel="noopener noreferrer nofollow">'
     '\u00b6</a></h2>'),
    ("<svg><script>alert(1)</script></svg>x", "x"),
])
def test_sanitize_rules(dirty, clean):
    """Does each rule hold: nothing runs, nothing loads, harmless markup stays?"""
    assert feedback_html.sanitize(dirty) == clean


def test_deep_nesting_is_shown_as_text_within_budget():
    """40,000 nested <div> (5 s in the sanitiser): is it shown as escaped text,
    quickly (bound 1 s, a wide margin)?"""
    started = time.monotonic()
    out = feedback_html.sanitize("<div>" * 40000)
    assert time.monotonic() - started < 1.0
    assert out.startswith("<p><em>(more than 5000 HTML tags: shown as text)</em></p><pre>"
                          "&lt;div&gt;")
    assert "<div>" not in out


def test_tag_cap_follows_the_limits():
    """Is feedback_max_tags taken from the Limits the worker was configured with?"""
    try:
        feedback_html.configure(sandbox.Limits(feedback_max_tags=3))
        assert feedback_html.sanitize("<b>1</b><b>2</b><b>3</b>") == "<b>1</b><b>2</b><b>3</b>"
        assert feedback_html.sanitize("<b>1</b><b>2</b><b>3</b><b>4</b>").startswith(
            "<p><em>(more than 3 HTML tags")
    finally:
        feedback_html.configure(sandbox.Limits())
