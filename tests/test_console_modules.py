"""The console's front end: catalogues agree, pure modules behave, pages load no inline script."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from sync.names import RATINGS, STATUSES
from tests.staff_support import running_app, signed_in

CONSOLE = Path(__file__).resolve().parent.parent / "pwa" / "console"


ROOT = CONSOLE.parent.parent
# The modules import each other by the absolute paths the server serves them at (/sync/client/…, /pwa/…); Node
# resolves those against the repository instead of the file system's root.
RESOLVE_SERVED_PATHS = (
    "import { register } from 'node:module';"
    "register('data:text/javascript,' + encodeURIComponent(`export async function resolve(spec, context, next) {"
    " if (spec.startsWith('/sync/') || spec.startsWith('/pwa/'))"
    f" return next(new URL('.' + spec, '{ROOT.as_uri()}/').href, context);"
    " return next(spec, context); }`));"
)


def node(script: str) -> object:
    out = subprocess.run(["node", "--input-type=module", "-e", RESOLVE_SERVED_PATHS + script], check=True,
                         capture_output=True, text=True, cwd=CONSOLE)
    return json.loads(out.stdout)


def test_chinese_and_english_catalogues_have_the_same_keys() -> None:
    keys = node("const z = await import('./i18n/zh.js'); const e = await import('./i18n/en.js');"
                "console.log(JSON.stringify([Object.keys(z.messages).sort(), Object.keys(e.messages).sort()]))")
    assert isinstance(keys, list)
    # The Chinese names of statuses and ratings come from the protocol's names (sync/client/names.js); English
    # has its own.
    from_names = {f"status.{s}" for s in STATUSES} | {f"rating.{r}" for r in RATINGS}
    assert set(keys[1]) == set(keys[0]) | from_names
    assert not set(keys[0]) & from_names


def test_every_catalogue_key_used_in_the_code_exists() -> None:
    zh = set(node("const z = await import('./i18n/zh.js'); console.log(JSON.stringify(Object.keys(z.messages)))"))  # type: ignore[arg-type]
    used = set()
    for path in CONSOLE.rglob("*.js"):
        used |= set(re.findall(r'\bt\("([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used - zh == set()


def test_countdown_states_and_durations() -> None:
    # countdown.js touches the DOM only inside its functions, so Node can import it with a stub document.
    result = node(
        "globalThis.document = {}; const c = await import('./countdown.js');"
        "const due = 600000, warn = 450000;"
        "console.log(JSON.stringify([c.stateAt(due, warn, 449999), c.stateAt(due, warn, 450000),"
        " c.stateAt(due, warn, 600000), c.duration(90061000), c.duration(750000), c.duration(0)]))")
    assert result == ["ok", "warn", "overdue", "1天1小时", "12分30秒", "0秒"]


def test_the_console_uses_no_inline_script_or_style_attribute() -> None:
    for path in [*CONSOLE.rglob("*.js"), *(CONSOLE.parent.parent / "server" / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path


async def test_console_and_login_pages_carry_the_strict_policy(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "dispatcher") as client:
            for path in ("/login?switch=1", "/console/"):
                response = await client.get(path)
                assert response.status_code == 200
                assert "script-src 'self'" in response.headers["content-security-policy"]
                assert re.findall(r"<script[^>]*>", response.text) == [
                    f'<script type="module" src="/pwa/console/{"login" if "login" in path else "main"}.js">']


def test_deadline_alerts_announce_each_step_of_each_clock_once() -> None:
    # alerts.js reads the clock and the catalogue only when asked; Node imports it with a stub storage.
    result = node(
        "globalThis.localStorage = { getItem: () => null, setItem: () => {} }; globalThis.document = {};"
        "const a = await import('./alerts.js');"
        "const c = (id, due, warn, kind = 'resolution') => ({ id, deadline: { kind, due: new Date(due).toISOString(),"
        " warn_at: new Date(warn).toISOString() } });"
        "const states = (found) => found.map(({ entry, state }) => `${entry.case.id}:${state}`);"
        "let w = a.observe(new Map(), [c('calm', 100000, 75000), c('late', 100000, 75000), c('none', 0, 0)], 80000);"
        "const seen = [states(a.crossed(w, 80000))];"  # first seen: 'late' already amber, no alert for that
        "seen.push(states(a.crossed(w, 100000)));"  # both pass their limit
        "seen.push(states(a.crossed(w, 200000)));"  # nothing new
        "w = a.observe(w, [c('calm', 300000, 250000), c('late', 100000, 75000)], 200000);"  # calm extended
        "seen.push(states(a.crossed(w, 260000)));"
        "w = a.observe(w, [c('late', 100000, 75000)], 260000);"  # a list read again changes nothing for late
        "seen.push(states(a.crossed(w, 400000)), [...w.keys()]);"
        "console.log(JSON.stringify(seen));")
    assert result == [[], ["calm:overdue", "late:overdue"], [], ["calm:warn"], [], ["late"]]
