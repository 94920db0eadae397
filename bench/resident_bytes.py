"""How many bytes the resident app costs a phone: the first visit (page, modules, styles, icons, and what the
service worker precaches) and a repeat visit offline and online.

Run: ``python bench/resident_bytes.py [-v]``. The real app runs under uvicorn with a counting wrapper, and
Debian's Chromium opens ``/s/BL-TX-001`` at a phone's viewport. Bytes are counted where they leave the server:
each response's headers (with uvicorn's status line, date and server headers) and body as sent, gzip
included. A file the browser takes from its own caches costs nothing and is not counted.
"""
from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from starlette.types import ASGIApp, Message, Receive, Scope, Send  # noqa: E402

from tests.support.browser import launch_options  # noqa: E402
from tests.support.server import demo_app, serve  # noqa: E402

BUDGET = 60 * 1024
# What uvicorn adds to every response: "HTTP/1.1 200 OK", "date: …", "server: uvicorn", and the blank line.
UVICORN_HEADER_BYTES = len(b"HTTP/1.1 200 OK\r\ndate: Fri, 27 Nov 2026 00:00:00 GMT\r\nserver: uvicorn\r\n\r\n")


class Counter:
    """ASGI wrapper that records, per request, the path and the bytes of headers and body sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log: list[tuple[str, int, int, int]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sizes = {"status": 0, "headers": UVICORN_HEADER_BYTES, "body": 0}

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                sizes["status"] = message["status"]
                sizes["headers"] += sum(len(k) + len(v) + 4 for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                sizes["body"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting)
        path = scope["path"] + (("?" + scope["query_string"].decode()) if scope["query_string"] else "")
        self.log.append((path, sizes["status"], sizes["headers"], sizes["body"]))


def kind(path: str) -> str:
    path = path.split("?")[0]
    if path.startswith("/api/"):
        return "data (API JSON)"
    if path.startswith("/sync/client/"):
        return "sync client JS"
    if path.endswith(".js"):
        return "app JS, worker"
    if path.endswith(".css"):
        return "CSS"
    if path.endswith((".svg", ".png", ".webmanifest")):
        return "icons, manifest"
    return "HTML"


def report(title: str, entries: list[tuple[str, int, int, int]], verbose: bool) -> int:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for path, _, headers, body in entries:
        row = totals[kind(path)]
        row[0] += 1
        row[1] += body
        row[2] += headers
    print(f"\n{title}")
    for name in sorted(totals):
        n, body, headers = totals[name]
        print(f"  {name:<18} {n:>3} responses  {body:>7,} B body  {headers:>6,} B headers")
    app = sum(b + h for name, (_, b, h) in totals.items() if name != "data (API JSON)")
    data = sum(b + h for name, (_, b, h) in totals.items() if name == "data (API JSON)")
    print(f"  app (HTML, JS, CSS, icons): {app:,} B = {app / 1024:.1f} KB; data (site, categories, sync): {data:,} B")
    if verbose:
        for path, status, headers, body in entries:
            print(f"    {status} {body:>6} + {headers:>4}  {path}")
    return app


def main() -> None:
    verbose = "-v" in sys.argv
    counter = Counter(demo_app(str(Path(tempfile.mkdtemp(prefix="mashangban-bench-")) / "bench.db")))
    with serve(counter) as url, sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
        page = context.new_page()
        counter.log.clear()
        page.goto(f"{url}/s/BL-TX-001")
        page.wait_for_selector("[data-action=category]")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        first = report("First visit (empty caches; the service worker's precache included)", counter.log, verbose)

        context.set_offline(True)
        counter.log.clear()
        page.reload()
        page.wait_for_selector("[data-action=category]")
        page.wait_for_timeout(500)
        offline = report("Repeat visit, offline", counter.log, verbose)

        context.set_offline(False)
        counter.log.clear()
        page.reload()
        page.wait_for_selector("[data-action=category]")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        online = report("Repeat visit, online (the page revalidated; modules from the worker's cache)",
                        counter.log, verbose)
        browser.close()
    verdict = "within" if first <= BUDGET else "OVER"
    print(f"\nfirst visit {first / 1024:.1f} KB compressed ({verdict} the {BUDGET // 1024} KB aim); "
          f"repeat visit offline {offline} B from the server; repeat visit online {online / 1024:.1f} KB")


if __name__ == "__main__":
    main()
