"""``/login?next=…`` sends a person only to a path on this site: never to another host, however it is spelled.

Each target is written as it appears in a link's query string. The server (``safe_next``) and the sign-in page's
module (``pwa/console/next.js``) apply the same rule; both are checked against the same lists.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

from tests.staff_support import client_for, running_app, signed_in

CONSOLE = Path(__file__).resolve().parent.parent / "pwa" / "console"

ELSEWHERE = [
    "/%09/evil.example/x", "/%0a/evil.example/x", "/%0d%0a/evil.example/x", "/%0d/evil.example", "%09//evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
    "/x/..\\..\\evil", "https://evil.example/", "http:evil.example", "javascript:alert(1)", "evil.example/x",
    "%2F%2Fevil.example", "/%20/evil.example", "%20//evil.example", "/%00/evil.example", "/%7F/evil.example",
    "/%E3%80%80/evil.example", "/%E2%80%8B/evil.example", "/%EF%BB%BF/evil.example", "/%E2%80%A8/evil.example",
    "/%C2%A0/evil.example", "/console/%0A", "", "/" + "a" * 2001,
]
HERE = ["/console/", "/field/", "/console/#/case/4f1c2d", "/console/?tab=stats", "/console/%2F%2Fstays-a-path"]


def _data_next(html: str) -> str:
    found = re.search(r'data-next="([^"]*)"', html)
    assert found is not None
    return found.group(1)


async def test_only_a_path_on_this_site_survives(tmp_path: Path) -> None:
    wrong = []
    async with running_app(tmp_path) as app:
        async with client_for(app) as anonymous, signed_in(app, "dispatcher") as dispatcher:
            for target in ELSEWHERE:
                page = await anonymous.get(f"/login?next={target}")
                answer = await dispatcher.get(f"/login?next={target}", follow_redirects=False)
                location = answer.headers.get("location")
                if _data_next(page.text) != "" or location != "/console/":
                    wrong.append(f"{target!r}: page {_data_next(page.text)!r}, redirect {location!r}")
            for target in HERE:
                path = target.split("#")[0]
                answer = await dispatcher.get(f"/login?next={path}", follow_redirects=False)
                if answer.status_code != 303 or answer.headers["location"] != unquote(path):
                    wrong.append(f"{target!r} was not kept: {answer.headers.get('location')!r}")
    assert not wrong, "\n".join(wrong)


def test_the_sign_in_page_applies_the_same_rule() -> None:
    values = [unquote(t) for t in ELSEWHERE + HERE]
    script = ("const { safeNext } = await import('./next.js');"
              f"console.log(JSON.stringify({json.dumps(values)}.map(safeNext)));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True,
                         cwd=CONSOLE)
    kept = json.loads(out.stdout)
    assert kept == [""] * len(ELSEWHERE) + [unquote(t) for t in HERE]
