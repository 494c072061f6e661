"""Does a feedback page carry its own MathJax (no CDN), allowed to run by the
page's Content-Security-Policy, and nothing else that runs?

Oracles: the MathJax files of the installed ``sphinx-mathjax-offline``
package read here directly (their text must be in the page verbatim), and
the SHA-256 of the page's one inline script computed here with hashlib. The
browser test (test_feedback_browser.py) checks that formulas are typeset.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from pathlib import Path

import pytest

from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, feedback_page, sandbox

LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
MATHJAX = Path(importlib.util.find_spec("sphinx-mathjax-offline").origin).parent / "static" / "mathjax"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("math")
    course = new_toy_course(root)
    write_submission(root / "subs", "eve", toy_notebook(
        {"w1-answer": "Since $x^2 \\geq 0$ ... <script>alert(1)</script>"
                      "<img src=x onerror=alert(2)>"}))
    engine.grade(course, "toy", root / "subs", jobs=1, seed=2, checkers="toy_checkers",
                 limits=LIMITS)
    return (course / "feedback" / "eve" / "toy" / "toy.html").read_text(encoding="utf-8")


def test_page_inlines_the_installed_mathjax_and_loads_no_cdn(page):
    """Are tex-svg-full.js and ui/safe.js of the installed copy in the page verbatim,
    with no script loaded from a URL and nbconvert's MathJax 2 block gone?"""
    assert (MATHJAX / "tex-svg-full.js").read_text(encoding="utf-8") in page
    assert (MATHJAX / "ui" / "safe.js").read_text(encoding="utf-8") in page
    assert "<script src" not in page and "cdnjs" not in page and "x-mathjax-config" not in page
    assert r"<p>Since $x^2 \geq 0$ ... <img" in page   # the formula is left for MathJax


def test_only_the_hashed_mathjax_script_may_run(page):
    """Is there exactly one <script> (the student's is gone, onerror too), and does
    the page's policy allow exactly it, by its SHA-256, and load nothing?"""
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
    outside = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert len(scripts) == 1 and "alert(" not in outside and "onerror" not in outside
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    policy = re.search(r'<meta content="([^"]*)" http-equiv="Content-Security-Policy"', page)
    assert policy.group(1) == (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    assert page.index("Content-Security-Policy") < page.index("<script")


def test_without_mathjax_installed_nothing_runs(monkeypatch):
    """No MathJax copy: the head says so, runs no script and its policy allows none."""
    monkeypatch.setattr(feedback_page, "mathjax_script", lambda: None)
    head = ('<head>\n<meta charset="utf-8" />\n<!-- Load mathjax -->\n<script src="https://cdn'
            '.example/mj.js"></script>\n<!-- End of mathjax configuration -->\n</head>')
    out = feedback_page.offline_head(head)
    assert out == (
        '<head>\n<meta charset="utf-8" />\n<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; base-uri 'none'; form-action 'none'\" />\n"
        "<!-- MathJax is not installed here: formulas show as TeX source -->\n</head>")
