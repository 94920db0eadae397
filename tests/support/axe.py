"""axe-core accessibility checks in the browser; the npm package is installed on first use into tests/.node.

The file is run with ``page.evaluate`` rather than a script tag, so the page keeps its strict CSP.
"""
from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

NODE_DIR = Path(__file__).resolve().parent.parent / ".node"
AXE = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
                        "axe-core@4"], check=True, capture_output=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA rules, best practices included)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;0")
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return found
