"""Opening a page in real headless Chromium (Debian's `chromium`) over the DevTools protocol.

The protocol runs over a pipe (`--remote-debugging-pipe`: commands on fd 3, replies and
events on fd 4, each JSON message ended by a NUL byte), so no port is opened and no
WebSocket library is needed. `open_page` loads a file and reports what a person's
browser would: every request the page made, every console message and uncaught error,
a full-page screenshot and the page printed to PDF.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--mute-audio", "--hide-scrollbars", "--remote-debugging-pipe")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    """What happened while a page was open."""

    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the page itself included
    console: list[tuple[str, str]] = field(default_factory=list)  # (level, text), console calls and browser log
    errors: list[str] = field(default_factory=list)  # uncaught exceptions
    screenshot_png: bytes = b""
    pdf: bytes = b""
    size: tuple[int, int] = (0, 0)  # the page's CSS width and height

    def console_errors(self) -> list[str]:
        return [text for level, text in self.console if level == "error"] + self.errors


class _Pipe:
    """The DevTools protocol over fds 3/4 of a Chromium process."""

    def __init__(self, args: list[str]) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def in_child() -> None:  # the browser reads commands on fd 3 and writes on fd 4
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)  # out of the way of 3 and 4 first
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, close_fds=False, preexec_fn=in_child)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, queue.Queue] = {}
        self.events: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace").rstrip())

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    message = json.loads(raw)
                    if "id" in message:
                        with self._lock:
                            waiter = self._replies.get(message["id"])
                        if waiter is not None:
                            waiter.put(message)
                    else:
                        self.events.put(message)

    def call(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float = 30.0) -> dict:
        with self._lock:
            self._next_id += 1
            number = self._next_id
            waiter: queue.Queue = queue.Queue()
            self._replies[number] = waiter
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        try:
            reply = waiter.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {method} within {timeout:.0f} s "
                               f"(stderr: {' | '.join(self.stderr[-5:])})") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:  # already gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)


def open_page(path: Path, profile_dir: Path, *, width: int = 1100, settle_s: float = 0.5,
              timeout: float = 60.0) -> PageVisit:
    """Load `path` in headless Chromium with a fresh profile; screenshot and print it."""
    binary = chromium_path()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    pipe = _Pipe([binary, *FLAGS, f"--user-data-dir={profile_dir}", f"--window-size={width},900"])
    visit = PageVisit()
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        pipe.call("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        deadline = time.monotonic() + timeout
        loaded_at = None
        while True:
            if loaded_at is not None and time.monotonic() > loaded_at + settle_s:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not finish loading within {timeout:.0f} s")
            try:
                event = pipe.events.get(timeout=0.1)
            except queue.Empty:
                continue
            _note(visit, event)
            if event.get("method") == "Page.loadEventFired":
                loaded_at = time.monotonic()
        while not pipe.events.empty():
            _note(visit, pipe.events.get())
        metrics = pipe.call("Page.getLayoutMetrics", session=session)
        content = metrics.get("cssContentSize") or metrics["contentSize"]
        visit.size = (int(content["width"]), int(content["height"]))
        shot = pipe.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": visit.size[0], "height": visit.size[1], "scale": 1}}, session=session)
        visit.screenshot_png = base64.b64decode(shot["data"])
        printed = pipe.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=session,
                            timeout=120)
        visit.pdf = base64.b64decode(printed["data"])
        while not pipe.events.empty():
            _note(visit, pipe.events.get())
    finally:
        pipe.close()
    return visit


def _note(visit: PageVisit, event: dict) -> None:
    method, params = event.get("method"), event.get("params", {})
    if method == "Network.requestWillBeSent":
        visit.requests.append(params["request"]["url"])
    elif method == "Runtime.consoleAPICalled":
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
        visit.console.append(("error" if params.get("type") in ("error", "assert") else params.get("type", "log"),
                              text))
    elif method == "Log.entryAdded":
        entry = params["entry"]
        visit.console.append((entry.get("level", "info"), f"{entry.get('source')}: {entry.get('text')}"))
    elif method == "Runtime.exceptionThrown":
        visit.errors.append(params["exceptionDetails"].get("text", "exception"))
