"""Helpers of the formgrader tests: a Jupyter server with formgrader on a course,
and headless Chromium driven over the DevTools protocol on a pipe.

The DevTools client is the one of tests/test_site.py, cut down to what these
tests use (no extra Python package: Debian's chromium, `--remote-debugging-pipe`).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hwlib.grading.formgrader_cli import command

REPO = Path(__file__).resolve().parents[2]
TOKEN = "formgrader-test-token"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--no-default-browser-check", "--window-size=1280,900"]


# --------------------------------------------------------------------------- the server
class Formgrader:
    """``python -m hwlib formgrader``'s jupyter server in ``course`` (its root), on a
    free port of 127.0.0.1, token auth."""

    def __init__(self, course: Path, log: Path, timeout: float = 120):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
            JUPYTER_CONFIG_DIR=str(log.parent / "jupyter-config"))
        self._log = log.open("w")
        # the command `python -m hwlib formgrader` runs, plus test-only options
        argv = command(course, self.port, ["--allow-root", "--port-retries=0",
                                           "--ServerApp.ip=127.0.0.1",
                                           f"--IdentityProvider.token={TOKEN}"])
        self.proc = subprocess.Popen(argv, cwd=course, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.log_path = log
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.get("/api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"jupyter server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)

    def request(self, method: str, path: str, timeout: float = 120) -> tuple[int, str]:
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {TOKEN}"},
                                     data=b"" if method in ("POST", "PUT") else None)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def get(self, path: str) -> str:
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        return body

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# --------------------------------------------------------------------------- the browser
def _high_fd(fd: int) -> int:
    import fcntl
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Chromium:
    """Headless Chromium over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, profile: Path, headers: dict | None = None):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        assert binary, "Debian's chromium is not installed (make setup installs it)"
        to_r, self._to, self._from, from_w = (_high_fd(fd) for fd in (*os.pipe(), *os.pipe()))
        launcher = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
                    "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w); "
                    "os.execv(sys.argv[3], sys.argv[3:])")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_r), str(from_w), binary, *FLAGS,
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(to_r, from_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable", session=True)
        if headers:  # sent with every request of the page (e.g. the server's token)
            self.call("Network.setExtraHTTPHeaders", {"headers": headers}, session=True)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise TimeoutError("no message from chromium in time")
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: bool = False,
             timeout: float = 60) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply and not reply["method"].startswith("Network."):
                self.events.append(reply)

    def open(self, url: str, timeout: float = 60) -> None:
        """Navigate and wait for the load event."""
        start = len(self.events)
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events[start:]):
            reply = self._read(deadline)
            if "method" in reply and not reply["method"].startswith("Network."):
                self.events.append(reply)

    def js(self, expression: str):
        """Evaluate in the page (promises awaited); the value, or an AssertionError."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, session=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_js(self, expression: str, timeout: float = 60):
        """Poll ``expression`` until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {expression}")
            time.sleep(0.25)

    def type_into(self, selector: str, text: str) -> None:
        """Focus the element, type ``text`` as keyboard input, then leave it (blur: the
        change event formgrader saves on)."""
        assert self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                       f" if (!e) return false; e.focus(); e.select && e.select();"
                       f" return document.activeElement === e; }})()"), selector
        self.call("Input.insertText", {"text": text}, session=True)
        self.js(f"document.querySelector({json.dumps(selector)}).blur()")

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
        os.close(self._to)
        os.close(self._from)
