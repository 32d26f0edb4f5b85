#!/usr/bin/python3
"""Opens a report page in headless Chromium, as a reader would, and checks it.

    check_report_page.py REPORT.html --screenshot OUT.png [--pdf OUT.pdf] [--chromium PATH]

Drives Chromium through the DevTools protocol over --remote-debugging-pipe
(standard library only: no network, no npm) and fails when:
- an <img> did not load (not complete, or naturalWidth 0), or there is none;
- the console shows an error, a script throws, or the browser logs an error
  (a resource that failed to load);
- the page asks for anything but itself and data: URLs (it must open offline);
- the page is wider than the window (it would not fit), or than A4's printable width as printed;
- printing on A4 gives no page or more than --max-pages.
Keeps a full-page screenshot and, with --pdf, the A4 print.

Exit status: 0 the page passed, 1 it failed (each problem printed), 2 the
check could not run (no Chromium, a protocol failure).
"""
import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT_SECONDS = 60


class CheckError(Exception):
    """The check could not run."""


class DevTools:
    """A Chromium started with --remote-debugging-pipe: it reads commands on its
    fd 3 and writes replies and events on its fd 4, each a JSON text ending in NUL."""

    def __init__(self, chromium, profile):
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # Out of the way of 3 and 4, so that the child's dup2 cannot clobber one with the other.
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)

        def wire_pipes():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--mute-audio", "--hide-scrollbars", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, close_fds=False,
            preexec_fn=wire_pipes)
        os.close(child_in)
        os.close(child_out)
        self.write_fd, self.read_fd = to_browser_write, from_browser_read
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self.next_id, f"a reply to {method}")
        if "error" in reply:
            raise CheckError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def wait(self, wanted, what, timeout=TIMEOUT_SECONDS):
        """Reads messages until `wanted(message)`; every event is kept in self.events."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CheckError(f"timed out waiting for {what}")
            ready, _, _ = select.select([self.read_fd], [], [], remaining)
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise CheckError(f"Chromium closed the pipe while waiting for {what}: {self.browser_log()}")
                self.buffer += chunk

    def browser_log(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def close(self):
        try:
            os.write(self.write_fd, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self.write_fd)
        os.close(self.read_fd)


IMAGES = """JSON.stringify({
  images: Array.from(document.images).map(i => ({
    src: i.getAttribute('src').slice(0, 40), complete: i.complete, width: i.naturalWidth})),
  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  title: document.title})"""


def problems_of(events, page_url):
    problems = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            problems.append(f"console error: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            problems.append(f"script error: {details.get('exception', {}).get('description', details.get('text'))}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            problems.append(f"browser error: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not (url.startswith("data:") or url == page_url):
                problems.append(f"the page requests another resource: {url[:120]}")
    return problems


PRINTABLE_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)  # the report's @page: A4, 12 mm side margins


def pdf_page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def check(args):
    page_url = "file://" + os.path.abspath(args.page)
    profile = tempfile.mkdtemp(prefix="check-report-chromium.")
    browser = None
    try:
        browser = DevTools(args.chromium, profile)
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.send("Page.navigate", {"url": page_url}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session,
                     "the page's load event")
        state = json.loads(browser.send("Runtime.evaluate", {"expression": IMAGES, "returnByValue": True},
                                        session=session)["result"]["value"])
        problems = problems_of(browser.events, page_url)
        if not state["images"]:
            problems.append("the page has no image")
        for number, image in enumerate(state["images"], 1):
            if not image["complete"] or image["width"] <= 0:
                problems.append(f"image {number} did not load (src {image['src']!r}…)")
        if state["scrollWidth"] > state["innerWidth"]:
            problems.append(f"the page is {state['scrollWidth']} px wide in a {state['innerWidth']} px window")

        metrics = browser.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}},
            session=session)
        with open(args.screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        pdf = base64.b64decode(browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                                            session=session)["data"])
        if args.pdf:
            with open(args.pdf, "wb") as out:
                out.write(pdf)
        # As printed: A4 less the page's margins (186 mm, 703 px at 96 px an inch). Anything wider makes
        # Chromium shrink the whole print to fit it.
        browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": PRINTABLE_WIDTH_PX, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        printed = json.loads(browser.send("Runtime.evaluate", {"expression": IMAGES, "returnByValue": True},
                                          session=session)["result"]["value"])
        if printed["scrollWidth"] > PRINTABLE_WIDTH_PX:
            problems.append(f"as printed, the page is {printed['scrollWidth']} px wide where A4 holds "
                            f"{PRINTABLE_WIDTH_PX}: the print is shrunk to fit it")
        pages = pdf_page_count(pdf)
        if not 1 <= pages <= args.max_pages:
            problems.append(f"printing gives {pages} A4 pages (expected 1 to {args.max_pages})")
        print(f"check_report_page: {args.page}: {len(state['images'])} images, {pages} A4 pages, "
              f"screenshot {args.screenshot}")
        return problems
    finally:
        if browser:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--pdf")
    parser.add_argument("--max-pages", type=int, default=10)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not os.access(args.chromium, os.X_OK):
        print(f"check_report_page: {args.chromium}: not found (apt-get install chromium; "
              "scripts/install-deps.sh)", file=sys.stderr)
        return 2
    if not os.path.isfile(args.page):
        print(f"check_report_page: {args.page}: no such file", file=sys.stderr)
        return 2
    try:
        problems = check(args)
    except CheckError as error:
        print(f"check_report_page: {args.page}: cannot check: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"check_report_page: {args.page}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
