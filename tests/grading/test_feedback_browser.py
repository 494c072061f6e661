"""Feedback pages in a real browser: hostile student HTML neither runs nor loads.

A toy submission's hand-graded markdown answer carries script, event
handlers, iframes, images, style sheets and objects that would all reach an
"attacker" HTTP server on localhost, which counts every request. Headless
Chromium (Debian's ``chromium``) opens the generated feedback page from a
second local server and dumps the DOM after the page settled: the attacker
must see no request and no script may have marked the DOM. The same markup
rendered WITHOUT sanitising (a control page) must trip both detectors, so the
test can fail. The page's own inline MathJax must still typeset the answer's
``$x^2$`` (an ``mjx-container`` in the DOM) with every host name unresolvable
(only 127.0.0.1 answers), while TeX that would load a URL or carry a
``javascript:`` link (``\\style``, ``\\bbox``, ``\\href``, ``\\require``) does neither.
"""
from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from grading_helpers import new_toy_course, toy_notebook, write_submission
from hwlib.grading import engine, sandbox

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--no-default-browser-check", "--virtual-time-budget=4000", "--dump-dom",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
LIMITS = sandbox.Limits(call_timeout=3.0, cell_timeout=5.0, wall_timeout=60.0,
                        memory_bytes=2 * 1024 ** 3)
MARK = "document.body.setAttribute('data-pwned', '{}')"


def hostile_markdown(port: int) -> str:
    evil = f"http://127.0.0.1:{port}"
    return "\n".join([
        "My answer, with **markdown** that must survive, and math: $x^2$.",
        "",
        rf"$\style{{background:url({evil}/tex-style.png)}}{{a}}$"
        rf" $\bbox[background:url({evil}/tex-bbox.png)]{{b}}$"
        rf" $\href{{javascript:{MARK.format('tex')}}}{{c}}$ $\require{{{evil}/tex.js}} d$",
        "",
        f"<script>{MARK.format('script')}</script>",
        f'<img src="{evil}/img.png" onerror="{MARK.format("onerror")}">',
        f'<iframe src="{evil}/frame.html"></iframe>',
        f"![an image]({evil}/md.png)",
        f'<link rel="stylesheet" href="{evil}/style.css">',
        f'<style>@import url("{evil}/import.css");</style>',
        f'<object data="{evil}/object"></object>',
        f'<video src="{evil}/video.mp4" autoplay></video>',
        f'<svg><image href="{evil}/svg.png"></image></svg>',
        f'<p style="background:url({evil}/bg.png)">styled</p>',
        f'<img srcset="{evil}/srcset.png 2x">',
        f'<body onload="{MARK.format("onload")}"></body>',
        f'<a href="javascript:{MARK.format("link")}">click me</a>',
        f'<meta http-equiv="refresh" content="60;url={evil}/refresh">',
    ])


class _Counter(http.server.SimpleHTTPRequestHandler):
    hits: list

    def do_GET(self):  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


def _serve(directory: Path):
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: handler(*a, directory=str(directory), **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def _dom(url: str, profile: Path) -> str:
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", url],
                          capture_output=True, text=True, timeout=90)
    return proc.stdout


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    (root / "evil").mkdir()
    evil, evil_hits = _serve(root / "evil")
    pages, page_hits = _serve(root)
    yield root, evil, evil_hits, pages, page_hits
    evil.shutdown()
    pages.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_unsanitised_control_page_trips_both_detectors(servers, tmp_path):
    """Control: the hostile markdown rendered by plain nbconvert (no sanitiser)
    makes requests to the attacker and runs script, so the detectors work."""
    from nbconvert.exporters import HTMLExporter

    root, evil, evil_hits, pages, _ = servers
    exporter = HTMLExporter()
    body = exporter.markdown2html({"cell": {}, "resources": {}},
                                  hostile_markdown(evil.server_address[1]))
    (root / "control.html").write_text(f"<!DOCTYPE html><html><body>{body}</body></html>")
    evil_hits.clear()
    dom = _dom(f"http://127.0.0.1:{pages.server_address[1]}/control.html", tmp_path / "p")
    assert "data-pwned" in dom
    assert len(evil_hits) >= 3


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_feedback_page_runs_no_student_script_and_loads_nothing(servers, tmp_path):
    """The real feedback page of that answer: no request reaches the attacker,
    no script marked the DOM, the page itself needs nothing but its own file,
    and the student's harmless markdown is still shown."""
    root, evil, evil_hits, pages, page_hits = servers
    course = new_toy_course(tmp_path)
    subs = tmp_path / "subs"
    write_submission(subs, "mallory", toy_notebook(
        {"w1-answer": hostile_markdown(evil.server_address[1])}))
    engine.grade(course, "toy", subs, jobs=1, seed=3, checkers="toy_checkers", limits=LIMITS)
    page = course / "feedback" / "mallory" / "toy" / "toy.html"
    shutil.copy(page, root / "feedback.html")
    evil_hits.clear()
    page_hits.clear()
    dom = _dom(f"http://127.0.0.1:{pages.server_address[1]}/feedback.html", tmp_path / "p")
    assert "<strong>markdown</strong>" in dom and "Toy assignment" in dom
    assert re.search(r"and math: <mjx-container[^>]*>", dom)     # typeset by MathJax
    assert "data-pwned" not in dom and 'http-equiv="refresh"' not in dom and "<iframe" not in dom
    assert 'href="javascript:' not in dom
    assert evil_hits == []
    assert [h for h in page_hits if h != "/favicon.ico"] == ["/feedback.html"]
