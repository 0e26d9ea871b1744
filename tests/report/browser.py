"""progress.html in headless Chromium at a given width: layout facts measured by the page itself, and
full-page screenshots. Used by tests/report/test_html_browser.py and bench/screenshot_report.py.

Chromium is driven over the DevTools protocol (on a pipe, no port): the viewport width is
emulated, because `--window-size` stops at 500 pixels in headless mode. After the page's own
script ran, PROBE (evaluated in the page) writes a JSON summary of the layout into a
<pre id="layout-probe">.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

PROBE = """<script>
(function () {
  var doc = document.documentElement, vw = window.innerWidth;
  function clipped(el) {  // inside a container that scrolls or clips horizontally
    for (var p = el.parentElement || el.parentNode; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") { return true; }
    }
    return false;
  }
  var wide = [];
  Array.prototype.forEach.call(document.body.querySelectorAll("*"), function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 0.5 && !clipped(el) && wide.length < 20) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className : "") + " " + Math.round(r.right));
    }
  });
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node;
  while ((node = walker.nextNode()) && wide.length < 20) {  // text running out of its box: a long word
    var range = document.createRange();
    range.selectNodeContents(node);
    var right = range.getBoundingClientRect().right;
    if (right > vw + 0.5 && !clipped(node)) { wide.push("text " + Math.round(right) + " " + node.textContent.slice(0, 40)); }
  }
  var bars = Array.prototype.map.call(document.querySelectorAll("#area-bars .bar"), function (bar) {
    return {area: bar.querySelector(".area").textContent, total: parseInt(bar.getAttribute("data-total"), 10),
            width: bar.querySelector(".track").getBoundingClientRect().width};
  });
  var tables = Array.prototype.map.call(document.querySelectorAll("table.sortable"), function (t) {
    return {id: t.id, rows: t.tBodies[0].rows.length,
            filter: !!document.querySelector('input.filter[data-filter-for="' + t.id + '"]')};
  });
  var out = document.createElement("pre");
  out.id = "layout-probe";
  out.textContent = JSON.stringify({innerWidth: vw, scrollWidth: doc.scrollWidth, bodyScrollWidth: document.body.scrollWidth,
    height: doc.scrollHeight, wide: wide, bars: bars, tables: tables, js: doc.getAttribute("data-js")});
  document.body.appendChild(out);
})();
</script>"""

MAX_HEIGHT = 16000  # a full-page screenshot taller than this is cut
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--remote-debugging-pipe")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _high(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class _Browser:
    """Chromium driven over the DevTools protocol on a pipe (fd 3 in, fd 4 out; NUL-terminated JSON).

    `--window-size` cannot go below 500 pixels in headless Chromium, so the width is set with
    Emulation.setDeviceMetricsOverride, which also makes the page's media queries see it.
    """

    def __init__(self, binary: str) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        # Above 4, so that moving them to 3 and 4 in the child cannot clobber one with the other.
        cmd_r, resp_w = (_high(fd) for fd in (cmd_r, resp_w))
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{cmd_r} 4>&{resp_w} {cmd_r}<&- {resp_w}>&-', binary, *FLAGS, "about:blank"],
            pass_fds=(cmd_r, resp_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(cmd_r)
        os.close(resp_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        self.console: list[str] = []

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            ready, _, _ = select.select([self._resp_r], [], [], 1.0)
            if ready:
                chunk = os.read(self._resp_r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, session: str | None = None, timeout: float = 60, **params: object) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, event: dict) -> None:
        self.events.append(event)
        if event.get("method") in ("Runtime.exceptionThrown", "Runtime.consoleAPICalled"):
            self.console.append(json.dumps(event["params"])[:500])

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._read(deadline)
            if event.get("method") == method:
                return event
            self._event(event)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._resp_r)


def _open(browser: _Browser, page: Path, width: int, height: int) -> str:
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.send("Page.enable", session)
    browser.send("Runtime.enable", session)
    browser.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                 mobile=False)
    browser.send("Page.navigate", session, url=page.resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    return session


def layout(binary: str, page: Path, width: int, height: int = 900) -> dict:
    """The layout facts of `page` in a viewport `width` pixels wide (see PROBE)."""
    return _measure_and_shoot(binary, page, width, height, None)


def screenshot(binary: str, page: Path, width: int, out: Path) -> dict:
    """A full-page PNG of `page` at `width` pixels; returns the layout facts measured at that width."""
    return _measure_and_shoot(binary, page, width, 900, out)


def _measure_and_shoot(binary: str, page: Path, width: int, height: int, out: Path | None) -> dict:
    browser = _Browser(binary)
    try:
        session = _open(browser, page, width, height)
        script = PROBE.removeprefix("<script>").removesuffix("</script>")
        browser.send("Runtime.evaluate", session, expression=script)
        found = browser.send("Runtime.evaluate", session, returnByValue=True,
                             expression='document.getElementById("layout-probe").textContent')
        facts = json.loads(found["result"]["value"])
        facts["console"] = list(browser.console)
        if out is not None:
            full = min(max(int(facts["height"]), height), MAX_HEIGHT)
            browser.send("Emulation.setDeviceMetricsOverride", session, width=width, height=full, deviceScaleFactor=1,
                         mobile=False)
            shot = browser.send("Page.captureScreenshot", session, format="png",
                                clip={"x": 0, "y": 0, "width": width, "height": full, "scale": 1})
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(base64.b64decode(shot["data"]))
        return facts
    finally:
        browser.close()
