"""The field app's files: its static shell at /field/, its own worker (scope /field/) and precache list, which
holds every module the app imports (its own, the shared console and resident ones, the sync client) and none of
the resident app's screens; and the resident worker's list does not grow by the field app."""
import json
import re
from pathlib import Path

from tests.resident_support import api_client

PWA = Path(__file__).resolve().parent.parent / "pwa"
IMPORT = re.compile(r'(?m)^(?:import|export)\b[^";]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\("([^"]+)"\)')


def precache(text: str) -> dict[str, str]:
    return dict(json.loads(text.removeprefix("self.PRECACHE = ").rstrip(";\n"))["files"])


def imports_of(url: str, seen: set[str]) -> None:
    """Every module reachable from ``url`` by static and dynamic imports."""
    if url in seen:
        return
    seen.add(url)
    path = PWA / url.removeprefix("/pwa/") if url.startswith("/pwa/") else PWA.parent / url.lstrip("/")
    for target in (next(filter(None, groups)) for groups in IMPORT.findall(path.read_text(encoding="utf-8"))):
        resolved = target if target.startswith("/") else str(Path(url).parent / target).replace("/./", "/")
        imports_of(str(Path(resolved)), seen)


async def test_field_shell_worker_and_precache(tmp_path):
    async with api_client(tmp_path) as client:
        shell = await client.get("/field/", headers={"accept-encoding": "gzip"})
        assert shell.status_code == 200 and shell.headers["cache-control"] == "no-cache"
        assert '<script type="module" src="/pwa/field/main.js">' in shell.text and "<script>" not in shell.text
        again = await client.get("/field/", headers={"if-none-match": shell.headers["etag"], "accept-encoding": "gzip"})
        assert again.status_code == 304
        worker = await client.get("/field/sw.js")
        assert worker.status_code == 200 and 'importScripts("/field/sw-precache.js")' in worker.text
        files = precache((await client.get("/field/sw-precache.js")).text)
        needed: set[str] = set()
        imports_of("/pwa/field/main.js", needed)
        assert {"/pwa/console/dom.js", "/pwa/resident/lib/shrink.js", "/sync/client/index.js"} <= needed
        assert needed | {"/pwa/field/index.html", "/pwa/field/app.css"} <= set(files), needed - set(files)
        assert "/pwa/field/sw.js" not in files
        assert not any(url.startswith("/pwa/resident/components/") for url in files)
        resident = precache((await client.get("/sw-precache.js")).text)
        assert not any(url.startswith(("/pwa/field/", "/pwa/console/")) for url in resident)
