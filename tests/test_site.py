"""The course website: does it build strictly, render offline and stay on localhost?

The site is built once per test session (``jupyter-book build -W -n
--keep-going``, so a raising cell or a broken reference fails it) into a
temporary directory. Headless Chromium, driven over the DevTools protocol on a
pipe (``--remote-debugging-pipe``; no extra Python package), then loads every
built page from a local ``http.server`` and reports what MathJax typeset,
which images loaded and every request the page made. Three screenshots are
saved under ``_build/screenshots/`` for CI.

Needs Debian's ``chromium`` (``make setup`` installs it) and the venv's
``jupyter-book``.
"""
from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
BUILD_FLAGS = ["-W", "-n", "--keep-going"]
BUILD_TIMEOUT_S = 420
PAGE_TIMEOUT_S = 30
# Pages whose screenshots CI keeps (at every width): the landing page and two with figures.
SCREENSHOT_PAGES = {"intro": "book/intro.html", "convolution": "book/convolution.html",
                    "densities": "book/densities.html"}
# Viewport widths every page is checked at: a laptop and a phone (CSS pixels).
WIDTHS = {"desktop": 1280, "phone": 390}
# Pages that must show at least one figure (one per figure the course asks for).
FIGURE_PAGES = ["book/optimisation.html", "book/convolution.html", "book/normalisation.html",
                "book/regularisation.html", "book/densities.html"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--disable-default-apps", "--mute-audio",
                  "--hide-scrollbars", "--no-default-browser-check", "--window-size=1280,900",
                  # Quieten the browser's own background traffic (time, hints, safe browsing).
                  "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,"
                  "Translate,AutofillServerCommunication",
                  "--disable-client-side-phishing-detection", "--disable-domain-reliability",
                  "--no-pings", "--disable-breakpad", "--metrics-recording-only",
                  "--disable-field-trial-config", "--disable-search-engine-choice-screen"]
LOCAL_SCHEMES = {"data", "blob", "about"}


# --------------------------------------------------------------------------- building
def jupyter_book() -> str:
    exe = Path(sys.executable).with_name("jupyter-book")
    return str(exe) if exe.exists() else shutil.which("jupyter-book") or "jupyter-book"


def build_book(source: Path, out: Path) -> subprocess.CompletedProcess:
    """Run the strict build of the book at ``source``; the site lands in out/_build/html."""
    return subprocess.run([jupyter_book(), "build", str(source), "--path-output", str(out),
                           *BUILD_FLAGS], capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT_S, cwd=source)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    proc = build_book(ROOT, out)
    return {"proc": proc, "html": out / "_build" / "html"}


def built_html(build) -> Path:
    proc = build["proc"]
    assert proc.returncode == 0, (
        f"jupyter-book build {' '.join(BUILD_FLAGS)} failed (exit {proc.returncode}):\n"
        + (proc.stdout + proc.stderr)[-6000:])
    return build["html"]


def toc_pages() -> list[str]:
    """Every page named in _toc.yml (root first), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", [{"chapters": toc.get("chapters")}]):
        walk(part.get("chapters"))
    return pages


REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def redirect_target(page: Path) -> str | None:
    """The target of a meta-refresh redirect page (the root index.html), else None."""
    match = REFRESH.search(page.read_text(encoding="utf-8", errors="replace")[:2000])
    return match.group(1) if match else None


def site_pages(html: Path) -> list[str]:
    """Every built HTML page, relative to the site root (assets and redirects excluded).

    A redirect page navigates away right after loading, so the browser test
    could not inspect it; test_root_redirects_to_the_intro checks it instead.
    """
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith("_") and redirect_target(p) is None)


# --------------------------------------------------------------------------- a DevTools client
def _high_fd(fd: int) -> int:
    """A close-on-exec duplicate of fd numbered 10 or more (the original is closed)."""
    import fcntl
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, profile: Path, net_log: Path):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        assert binary, "Debian's chromium is not installed (make setup installs it)"
        # Keep every pipe end above fd 9, so that moving the child's ends onto
        # 3 and 4 cannot clobber one of them.
        to_browser_r, self._to_browser, self._from_browser, from_browser_w = (
            _high_fd(fd) for fd in (*os.pipe(), *os.pipe()))
        # A tiny Python launcher moves the child's pipe ends onto fds 3 and 4,
        # where --remote-debugging-pipe expects them, then becomes chromium.
        launcher = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
                    "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w); "
                    "os.execv(sys.argv[3], sys.argv[3:])")
        args = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--log-net-log={net_log}",
                "--net-log-capture-mode=Default", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_browser_r), str(from_browser_w), binary, *args],
            pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session=True)
        self.set_width(WIDTHS["desktop"])

    def set_width(self, width: int) -> None:
        """Emulate a viewport ``width`` CSS pixels wide (a phone below 600)."""
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 900 if width >= 600 else 844,
                   "deviceScaleFactor": 1, "mobile": width < 600}, session=True)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("no message from chromium in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: bool = False,
             timeout: float = PAGE_TIMEOUT_S) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str, since: int, timeout: float = PAGE_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self.events[since:]):
            reply = self._read(deadline)
            if "method" in reply:
                self.events.append(reply)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


# What the page reports once MathJax has finished (run inside the page).
PAGE_REPORT_JS = r"""
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const skip = 'pre, code, script, style, textarea, mjx-container';
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    if (text.includes('$$') || text.includes('\\(') || text.includes('\\[')) raw.push(text.trim().slice(0, 100));
  }
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    mathjax_loaded: !!(window.MathJax && MathJax.startup && MathJax.startup.document),
    math_elements: math.length,
    untypeset: math.filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 100)),
    typeset: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]')).map(
      el => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 100)),
    raw: raw,
    images: Array.from(document.images).map(img => ({src: img.currentSrc || img.src,
      ok: img.complete && img.naturalWidth > 0, in_output: !!img.closest('.cell_output, .output')})),
  };
})()
"""


# Formulas that stick out of the text column (run inside the page, after MathJax).
# A formula is fine when its outermost horizontally scrolling box (itself or an
# ancestor, as book/_static/course.css makes it; boxes nest, as a formula box in
# a scrolling table) lies inside the column, or when, without such a box, the
# typeset formula itself fits the column.
MATH_OVERFLOW_JS = r"""
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const column = document.querySelector('article.bd-article') || document.querySelector('main')
                 || document.body;
  const col = column.getBoundingClientRect();
  const source = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) source.set(item.typesetRoot, item.math);
  }
  const out = [];
  let checked = 0;
  for (const el of document.querySelectorAll('mjx-container')) {
    const math = el.querySelector('mjx-math') || el;
    const r = math.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;          // not displayed (collapsed)
    checked += 1;
    let box = null;                 // the OUTERMOST scroll box inside the column
    for (let a = el; a && a !== column; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') box = a;
    }
    const edge = box ? box.getBoundingClientRect() : r;
    if (edge.left < col.left - 1 || edge.right > col.right + 1) {
      out.push({tex: (source.get(el) || el.textContent).slice(0, 80),
                left: Math.round(edge.left), right: Math.round(edge.right)});
    }
  }
  return {column: [Math.round(col.left), Math.round(col.right)], checked: checked,
          overflow: out};
})()
"""

# Undoes course.css's scroll boxes: the negative control of the overflow check.
UNDO_MATH_CSS_JS = """
(() => { const style = document.createElement('style');
  style.textContent = 'mjx-container, div.math, table, .pst-scrollable-table-container ' +
                      '{ overflow: visible !important; max-width: none !important; }';
  document.head.appendChild(style); })()
"""

SCROLL_TO_FIGURE_JS = """
(() => { const img = document.querySelector('.cell_output img');
         if (img) img.scrollIntoView({block: 'center'}); })()
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def browsed(build, tmp_path_factory):
    """Load every built page in Chromium; return per-page reports and every request."""
    html = built_html(build)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    work = tmp_path_factory.mktemp("chromium")
    net_log = work / "netlog.json"
    browser = Chromium(work / "profile", net_log)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reports, overflow, unstyled = {}, {}, None
    try:
        for page in site_pages(html):
            start = len(browser.events)
            browser.call("Page.navigate", {"url": base + page}, session=True)
            browser.wait_for("Page.loadEventFired", start)
            result = browser.call("Runtime.evaluate",
                                  {"expression": PAGE_REPORT_JS, "awaitPromise": True,
                                   "returnByValue": True}, session=True)
            assert "exceptionDetails" not in result, f"{page}: {result['exceptionDetails']}"
            reports[page] = result["result"]["value"]
        # Every page at every width: formulas must stay inside the text column.
        for label, width in WIDTHS.items():
            browser.set_width(width)
            for page in site_pages(html):
                start = len(browser.events)
                browser.call("Page.navigate", {"url": base + page}, session=True)
                browser.wait_for("Page.loadEventFired", start)
                overflow[(page, width)] = _evaluate(browser, MATH_OVERFLOW_JS, page)
                for name, shot_page in SCREENSHOT_PAGES.items():
                    if shot_page == page:
                        # Show the page's first figure when it has one (the top otherwise).
                        browser.call("Runtime.evaluate", {"expression": SCROLL_TO_FIGURE_JS},
                                     session=True)
                        shot = browser.call("Page.captureScreenshot", {"format": "png"}, session=True)
                        (SCREENSHOTS / f"{name}-{width}.png").write_bytes(
                            base64.b64decode(shot["data"]))
        # Negative control: the phone view of a formula-heavy page without course.css's boxes.
        page = "book/normalisation.html"
        start = len(browser.events)
        browser.call("Page.navigate", {"url": base + page}, session=True)
        browser.wait_for("Page.loadEventFired", start)
        browser.call("Runtime.evaluate", {"expression": UNDO_MATH_CSS_JS}, session=True)
        unstyled = _evaluate(browser, MATH_OVERFLOW_JS, page)
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
    return {"base": base, "reports": reports, "events": browser.events,
            "overflow": overflow, "unstyled_overflow": unstyled,
            "net_log": net_log.read_text() if net_log.exists() else ""}


def _evaluate(browser: Chromium, expression: str, page: str):
    result = browser.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                               "returnByValue": True}, session=True)
    assert "exceptionDetails" not in result, f"{page}: {result['exceptionDetails']}"
    return result["result"]["value"]


# --------------------------------------------------------------------------- build tests
def test_site_builds_strictly(build):
    """Does `jupyter-book build -W -n --keep-going` build the site with every page executed?"""
    html = built_html(build)
    assert (html / "book" / "intro.html").is_file()


def test_root_redirects_to_the_intro(build):
    """Does the site root forward readers to the intro page, which exists?"""
    html = built_html(build)
    target = redirect_target(html / "index.html")
    assert target == "book/intro.html" and (html / target).is_file()


def test_every_toc_page_is_built(build):
    """Does every page of _toc.yml come out as an HTML page?"""
    html = built_html(build)
    missing = [p for p in toc_pages() if not (html / f"{p}.html").is_file()]
    assert not missing, f"pages in _toc.yml with no HTML: {missing}"


def test_notebooks_match_their_sources():
    """Are the committed book/*.ipynb exactly what book/build_pages.py makes from book/src?"""
    proc = subprocess.run([sys.executable, str(ROOT / "book" / "build_pages.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mathjax_is_served_from_the_site(build):
    """Do the pages load MathJax from the site's own _static/ folder rather than a CDN?"""
    html = built_html(build)
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (html / "book" / "optimisation.html").read_text()
    assert 'src="../_static/mathjax/tex-chtml.js"' in page


class _AssetCollector(HTMLParser):
    """Collects the URLs a browser would fetch by itself: scripts, styles, images, frames."""

    FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
               ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}
    FETCHED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut",
                         "apple-touch-icon", "manifest", "prefetch", "dns-prefetch", "preconnect"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for t, a in self.FETCHED:
            if tag == t and attrs.get(a):
                self.urls.append(attrs[a])
        if tag == "link" and attrs.get("href"):
            if set((attrs.get("rel") or "").lower().split()) & self.FETCHED_LINK_RELS:
                self.urls.append(attrs["href"])


def _is_remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in {"http", "https", "ws", "wss", "ftp"}


def test_built_html_and_css_reference_no_remote_assets(build):
    """Do the built pages and stylesheets avoid every remote script, style, image and font?"""
    html = built_html(build)
    offenders = []
    for page in html.rglob("*.html"):
        collector = _AssetCollector()
        collector.feed(page.read_text(errors="replace"))
        offenders += [f"{page.relative_to(html)}: {u}" for u in collector.urls if _is_remote(u)]
    for css in html.rglob("*.css"):
        for url in re.findall(r"""(?:url\(|@import\s+)\s*['"]?([^'")\s]+)""", css.read_text(errors="replace")):
            if _is_remote(url):
                offenders.append(f"{css.relative_to(html)}: {url}")
    assert not offenders, "remote assets:\n" + "\n".join(offenders[:30])


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    """A two-page book with the site's own _config.yml: one raising cell, one broken reference."""
    book = tmp_path_factory.mktemp("broken")
    header = ("---\njupytext:\n  text_representation:\n    format_name: myst\n"
              "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n")
    (book / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    (book / "_toc.yml").write_text("format: jb-book\nroot: raising\nchapters:\n  - file: dangling\n")
    (book / "raising.md").write_text(header + "# Raising\n\n```{code-cell}\nassert 1 + 1 == 3, 'WRONG-SUM'\n```\n")
    (book / "dangling.md").write_text("# Dangling\n\nSee {ref}`no-such-label`.\n")
    # The site's config loads a local extension from book/_ext: give it the same folder.
    shutil.copytree(ROOT / "book" / "_ext", book / "book" / "_ext")
    proc = build_book(book, book / "out")
    return proc.returncode, proc.stdout + proc.stderr


def _reported(log: str, needle: str) -> bool:
    """Is ``needle`` on a WARNING or ERROR line of the build log (so -W turns it into a failure)?"""
    return any(needle in line and ("WARNING" in line or "ERROR" in line) for line in log.splitlines())


def test_a_raising_cell_fails_the_build(broken_build):
    """Does the site's build configuration report a raising cell as an error and fail the build?"""
    returncode, log = broken_build
    assert returncode != 0
    assert _reported(log, "raising.md: WARNING: Executing notebook failed"), log[-3000:]
    assert "WRONG-SUM" in log  # the traceback is printed (nb_execution_show_tb)


def test_a_broken_reference_fails_the_build(broken_build):
    """Does the site's build configuration report a reference to a missing label and fail the build?"""
    returncode, log = broken_build
    assert returncode != 0
    assert _reported(log, "no-such-label"), log[-3000:]


# --------------------------------------------------------------------------- browser tests
def test_browser_loaded_every_page(browsed, build):
    """Did Chromium load and report on every built page (and at least the toc's pages)?"""
    pages = set(browsed["reports"])
    assert pages == set(site_pages(built_html(build)))
    assert {f"{p}.html" for p in toc_pages()} <= pages


def test_mathjax_typeset_every_formula(browsed):
    """Does every math element on every page hold typeset MathJax output, with no raw TeX left?"""
    problems = []
    for page, r in browsed["reports"].items():
        if r["math_elements"] and not r["mathjax_loaded"]:
            problems.append(f"{page}: {r['math_elements']} formulas but MathJax did not start")
        problems += [f"{page}: not typeset: {t!r}" for t in r["untypeset"]]
        problems += [f"{page}: raw TeX in text: {t!r}" for t in r["raw"]]
    assert not problems, "\n".join(problems[:30])
    # The topic pages are full of formulas: an empty count would mean the check saw nothing.
    assert browsed["reports"]["book/optimisation.html"]["typeset"] >= 10


def test_mathjax_reports_no_errors(browsed):
    """Is every formula valid TeX for MathJax (no merror element on any page)?"""
    errors = [f"{page}: {e}" for page, r in browsed["reports"].items() for e in r["errors"]]
    assert not errors, "\n".join(errors[:30])


@pytest.mark.parametrize("width", list(WIDTHS.values()))
def test_no_formula_overflows_the_text_column(browsed, width):
    """At this viewport width, does every formula fit the text column or scroll
    inside its own box (no equation or inline formula cut off)?"""
    problems = [f"{page}: {o['tex']!r} spans x = {o['left']}..{o['right']}, "
                f"column {r['column'][0]}..{r['column'][1]}"
                for (page, w), r in browsed["overflow"].items() if w == width
                for o in r["overflow"]]
    assert not problems, f"{len(problems)} formulas overflow at {width} px:\n" + "\n".join(problems[:30])
    checked = sum(r["checked"] for (_, w), r in browsed["overflow"].items() if w == width)
    assert checked >= 100, f"only {checked} formulas were measured at {width} px"


def test_overflow_check_catches_unboxed_formulas(browsed):
    """Without course.css's scroll boxes, does the overflow check flag formulas
    on a phone (so the check above can fail)?"""
    assert browsed["unstyled_overflow"]["checked"] > 0
    assert len(browsed["unstyled_overflow"]["overflow"]) >= 1


def test_every_image_loads(browsed):
    """Does every <img> on every page load from the local server?"""
    broken = [f"{page}: {img['src']}" for page, r in browsed["reports"].items()
              for img in r["images"] if not img["ok"]]
    assert not broken, "images that did not load:\n" + "\n".join(broken)


def test_figure_pages_show_figures(browsed):
    """Do the pages that promise figures show at least one executed figure each?"""
    bare = [p for p in FIGURE_PAGES
            if not any(img["in_output"] and img["ok"] for img in browsed["reports"][p]["images"])]
    assert not bare, f"pages without a figure: {bare}"


def test_pages_request_nothing_beyond_localhost(browsed):
    """Does every request a page makes go to the local server (or stay in the browser)?"""
    base_host = urlsplit(browsed["base"]).netloc
    outside = []
    for e in browsed["events"]:
        if e["method"] == "Network.requestWillBeSent":
            url = e["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme not in LOCAL_SCHEMES and parts.netloc != base_host:
                outside.append(url)
    assert not outside, "requests that leave localhost:\n" + "\n".join(sorted(set(outside)))


def _site_requests_in_net_log(log_text: str, base: str) -> list[str]:
    """URLs of the requests in Chromium's net log that a site page caused.

    A request belongs to the site when its initiator is the site's origin or its
    network isolation key (the partition of the page that caused it) is the
    site's. Chromium's own background traffic (initiator "not an origin", other
    partitions) is left out: it is the browser's, not the site's.
    """
    log = json.loads(log_text)
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    origin = base.rstrip("/")
    site = f"{urlsplit(base).scheme}://{urlsplit(base).hostname}"
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] != start_job or "url" not in params:
            continue
        if params.get("initiator") == origin or site in params.get("network_isolation_key", ""):
            urls.append(params["url"])
    return urls


def test_net_log_shows_site_requests_only_to_localhost(browsed):
    """In Chromium's own network log, does every request caused by a site page go to 127.0.0.1?"""
    assert browsed["net_log"], "chromium wrote no network log"
    urls = _site_requests_in_net_log(browsed["net_log"], browsed["base"])
    assert urls, "the net log attributes no request to the site: the attribution rule is broken"
    base_host = urlsplit(browsed["base"]).netloc
    outside = sorted({u for u in urls if urlsplit(u).netloc != base_host})
    assert not outside, "site requests that leave localhost:\n" + "\n".join(outside)


def test_site_resources_all_load(browsed):
    """Does every request for a site resource succeed (no 4xx/5xx, no failed load)?"""
    # A document load aborted by the test's own next navigation (index.html's
    # instant redirect) is not a failed resource; a missing file shows as a 404.
    failed = [f"{e['params'].get('errorText')} ({e['params'].get('type')})"
              for e in browsed["events"] if e["method"] == "Network.loadingFailed"
              and not (e["params"].get("type") == "Document"
                       and e["params"].get("errorText") == "net::ERR_ABORTED")]
    bad_status = [f"{e['params']['response']['status']} {e['params']['response']['url']}"
                  for e in browsed["events"] if e["method"] == "Network.responseReceived"
                  and e["params"]["response"]["status"] >= 400
                  and not e["params"]["response"]["url"].endswith("/favicon.ico")]
    assert not failed and not bad_status, "\n".join(failed + bad_status)


def test_pages_raise_no_javascript_errors(browsed):
    """Do the pages run their scripts without an uncaught JavaScript exception?"""
    errors = [e["params"]["exceptionDetails"].get("text", "") + " "
              + str(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))[:200]
              for e in browsed["events"] if e["method"] == "Runtime.exceptionThrown"]
    assert not errors, "\n".join(errors)


def test_screenshots_are_saved(browsed):
    """Are the CI screenshots (three pages, at every width) written as PNG files
    under _build/screenshots/, as wide as the viewport they were taken at?"""
    import struct
    for name in SCREENSHOT_PAGES:
        for width in WIDTHS.values():
            shot = SCREENSHOTS / f"{name}-{width}.png"
            data = shot.read_bytes() if shot.is_file() else b""
            assert data[:8] == b"\x89PNG\r\n\x1a\n", shot
            assert struct.unpack(">I", data[16:20])[0] == width, shot
