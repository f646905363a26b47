"""Headless Chromium driven over the Chrome DevTools Protocol, for the report's browser test and
`tfconform report --screenshots`.

The protocol runs over --remote-debugging-pipe (Chromium reads commands on fd 3 and writes
replies and events on fd 4, NUL-separated JSON), so there is no port, no websocket library and
no driver binary whose version must match the browser's: the standard library is enough.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-pipe"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")


class BrowserError(RuntimeError):
    pass


def find_chromium() -> str | None:
    explicit = os.environ.get("TFCONFORM_CHROMIUM")
    if explicit:
        return explicit
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class Browser:
    """One headless Chromium with one tab. Collects console errors, uncaught exceptions and every
    request that is not file: or data: (the report must not touch the network)."""

    def __init__(self, binary: str | None = None, width: int = 1360, height: int = 900,
                 timeout: float = 60.0):
        binary = binary or find_chromium()
        if not binary:
            raise BrowserError("no Chromium found (apt-get install chromium, or set TFCONFORM_CHROMIUM)")
        self.timeout = timeout
        self.errors: list[str] = []
        self.requests: list[str] = []
        self._profile = tempfile.mkdtemp(prefix="tfconform-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():          # in the child, before exec: the pipe ends become fds 3 and 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_r, from_chrome_w)]
            for fd, number in zip(high, (3, 4)):    # via high numbers: a pipe may already be 3 or 4
                os.dup2(fd, number)
                os.set_inheritable(number, True)
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={width},{height}",
             "about:blank"], preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next, self._replies, self._events = 0, {}, []
        self._cond = threading.Condition()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self._stderr.extend(self.proc.stderr), daemon=True).start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    # -- protocol ------------------------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies[None] = {"error": {"message": "Chromium exited"}}
                    self._cond.notify_all()
                return
            buf += chunk
            *messages, buf = buf.split(b"\0")
            for raw in messages:
                msg = json.loads(raw)
                with self._cond:
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self._event(msg)
                        self._events.append(msg)
                    self._cond.notify_all()

    def _event(self, msg: dict) -> None:
        method, p = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            what = (d.get("exception") or {}).get("description", "")
            self.errors.append(f"exception: {d.get('text')} {what}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.errors.append("console.error: " + " ".join(str(a.get("value", a.get("description")))
                                                          for a in p.get("args", [])))
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            self.errors.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                self.requests.append(url)

    def call(self, method: str, session: bool = False, **params) -> dict:
        with self._cond:
            self._next += 1
            ident = self._next
        msg = {"id": ident, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while ident not in self._replies and None not in self._replies:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise BrowserError(f"{method}: no answer within {self.timeout:g} s")
            reply = self._replies.pop(ident, None) or self._replies[None]
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}\n"
                               + b"".join(self._stderr[-20:]).decode(errors="replace"))
        return reply.get("result", {})

    def wait_event(self, method: str, since: int) -> dict:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while True:
                for msg in self._events[since:]:
                    if msg.get("method") == method and msg.get("sessionId") == self.session:
                        return msg
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise BrowserError(f"no {method} within {self.timeout:g} s")

    # -- what tests and the CLI use -------------------------------------------------------------------
    def open(self, path_or_url) -> None:
        url = path_or_url if "://" in str(path_or_url) else Path(path_or_url).resolve().as_uri()
        with self._cond:
            since = len(self._events)
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired", since)
        # A page inflates its data (a case page: its body) and draws after the load event (report.js).
        self.evaluate("window.tfconformReady ? window.tfconformReady.then(() => true, () => false) : true")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} raised {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path, max_height: int = 3000) -> Path:
        """The page from its top, as tall as its content (up to max_height CSS pixels)."""
        size = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
        data = self.call("Page.captureScreenshot", session=True, format="png", clip=clip,
                         captureBeyondViewport=True)["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def screenshots(index: Path, out: Path | None = None) -> list[Path]:
    """index.png and case.png (the first case page listed: failures come first) next to a report."""
    index = Path(index)
    out = Path(out) if out else index.parent / "screenshots"
    with Browser() as browser:
        browser.open(index)
        shots = [browser.screenshot(out / "index.png")]
        page = browser.evaluate("(document.querySelector('#results-body a') || {}).href || null")
        if page:
            browser.open(page)
            shots.append(browser.screenshot(out / "case.png"))
    return shots
