"""Bytes sent again when the connection is cut during a 2 MB photo upload: the resumable client
(``sync/client/uploads.js``, tus, 256 KB chunks) beside a whole-file ``POST /api/photos``, in the same run.

Run: ``python bench/uploads.py [--cuts 4] [--seed 1]``. The real app runs under uvicorn behind the test fault
wrapper (``tests/support/faults.py``), which cuts the connection at random points of the upload; Debian's Chromium
runs the real client module from a test page. Two figures per way of uploading:

- *received*: body bytes the server received (what crossed the link);
- *handed to fetch*: body bytes the page gave to ``fetch`` (what the phone may have paid for, an upper bound).

"Sent again per cut" is (figure − file size) / cuts. A whole-file upload starts from zero after every cut; the
resumable one goes on from the server's offset, and the server keeps what arrived before the cut. Chromium resends
a request on its own when a reused connection dies before any answer, so after a cut the same chunk usually
arrives once more in full and is answered 409 (the server already holds part of it): that resend is most of the
"one chunk" a cut costs. Not a timed test: it prints figures. ``weak_link_bytes()`` returns the same figures for
another bench (the weak-link bench) to print.
"""
from __future__ import annotations

import argparse
import base64
import io
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import launch_options  # noqa: E402
from tests.support.faults import Faults  # noqa: E402
from tests.support.harness import HARNESS_URL, with_harness  # noqa: E402
from tests.support.server import demo_app, serve  # noqa: E402

CHUNK = 256 * 1024
CLIENT_ID = "be" * 16

RESUMABLE = """async ([b64, clientId]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const blob = new Blob([bytes], { type: "image/png" });
  const kept = new Map();
  const store = { get: async (k) => kept.get(k), put: async (k, v) => { kept.set(k, v); },
                  delete: async (k) => { kept.delete(k); } };
  let handed = 0;
  const counting = (url, init) => { if (init.method === "PATCH") handed += init.body.size; return fetch(url, init); };
  for (;;) {
    try {
      const { mediaId } = await window.harness.sync.uploadFile({ key: "bench", blob, store, fetch: counting,
        headers: { "X-Client-Id": clientId } });
      return { handed, mediaId };
    } catch (err) {
      if (err.name === "UploadRefused") throw err;  // anything else: call again, as the apps' pumps do
    }
  }
}"""

WHOLE_FILE = """async ([b64, clientId]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const blob = new Blob([bytes], { type: "image/png" });
  let handed = 0;
  for (;;) {
    handed += blob.size;
    try {
      const response = await fetch("/api/photos", { method: "POST", body: blob,
        headers: { "Content-Type": "image/png", "X-Client-Id": clientId } });
      if (response.status === 201) return { handed, mediaId: (await response.json()).photo_id };
    } catch {
      // cut: the whole file again
    }
  }
}"""


def photo(size: int = 2 * 1024 * 1024) -> bytes:
    """A PNG of noise of about ``size`` bytes (noise does not compress)."""
    side = int((size / 2.6) ** 0.5)
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "PNG")
    return out.getvalue()


def _received(faults: Faults, prefix: str) -> int:
    return sum(n for path, n in faults.body_bytes.items() if path.startswith(prefix))


def weak_link_bytes(cuts: int = 4, seed: int = 1) -> dict[str, Any]:
    """Upload one ~2 MB photo both ways with ``cuts`` cuts at random points each; returns the figures."""
    rng = random.Random(seed)
    data = photo()
    encoded = base64.b64encode(data).decode()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        faults = Faults(demo_app(str(Path(tmp) / "bench.db"), rate_photos_per_client=1000))
        with serve(with_harness(faults)) as url:
            browser = p.chromium.launch(**launch_options())
            page = browser.new_page()
            page.goto(url + HARNESS_URL)
            page.wait_for_selector("html[data-harness=ready]", state="attached")
            # Resumable: each cut a chunk or two after the last one, part-way through a request's body (within
            # the smallest chunk the client may be down to by then).
            for _ in range(cuts):
                faults.cut("/api/uploads/", after_bytes=rng.randrange(1, 60 * 1024), skip=rng.randrange(1, 3))
            resumable = page.evaluate(RESUMABLE, [encoded, CLIENT_ID])
            resumable["received"] = _received(faults, "/api/uploads/")
            resumable["cuts"] = faults.cuts_made
            faults.clear()
            made = faults.cuts_made
            for _ in range(cuts):
                faults.cut("/api/photos", after_bytes=rng.randrange(1, len(data)))
            whole = page.evaluate(WHOLE_FILE, [encoded, CLIENT_ID])
            whole["received"] = _received(faults, "/api/photos")
            whole["cuts"] = faults.cuts_made - made
            browser.close()
    return {"size": len(data), "resumable": resumable, "whole_file": whole}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuts", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures = weak_link_bytes(args.cuts, args.seed)
    size = figures["size"]
    print(f"upload of {size:,} bytes, cuts at random points, same run (chunks of {CHUNK // 1024} KB)")
    print(f"{'':34}{'cuts':>5}{'received':>12}{'sent again/cut':>16}{'handed to fetch':>17}{'again/cut':>12}")
    for name, key in (("resumable (tus, sync/client)", "resumable"), ("whole file (POST /api/photos)", "whole_file")):
        f = figures[key]
        per_cut = (f["received"] - size) / max(1, f["cuts"])
        per_cut_handed = (f["handed"] - size) / max(1, f["cuts"])
        print(f"{name:34}{f['cuts']:>5}{f['received']:>12,}{per_cut:>16,.0f}{f['handed']:>17,}{per_cut_handed:>12,.0f}")
    print(f"aim: at most one chunk ({CHUNK:,} bytes) sent again per cut")


if __name__ == "__main__":
    main()
