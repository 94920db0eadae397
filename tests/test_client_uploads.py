"""The browser's resumable upload client (``sync/client/uploads.js``) in Chromium against the real server: it runs
in a worker (no window, no document), shrinks its chunks after failures and grows them back, starts afresh when
the server no longer knows the upload, and tells a file refused for good from an interrupted upload."""
from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.resident_support import minimal_pdf
from tests.support.fixtures import harness_server, open_harness  # noqa: F401  (fixtures are found by name)
from tests.support.tus import TUS

pytestmark = pytest.mark.browser

CLIENT_ID = "c0" * 16
KB = 1024


def png(side: int = 600) -> str:
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


# Builds the page's blob and a store in memory; `failAt` lists the PATCH calls (1-based) that fail as if cut.
UPLOAD = """async ({ b64, type, key, failAt, keep }) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const blob = new Blob([bytes], { type });
  window.kept ??= new Map();
  const kept = keep ? window.kept : new Map();
  const store = { get: async (k) => kept.get(k), put: async (k, v) => { kept.set(k, v); },
                  delete: async (k) => { kept.delete(k); } };
  const patches = [];
  const counting = (url, init) => {
    if (init.method === "PATCH") {
      patches.push(init.body.size);
      if (failAt.includes(patches.length)) return Promise.reject(new TypeError("Failed to fetch"));
    }
    return fetch(url, init);
  };
  try {
    const { mediaId } = await window.harness.sync.uploadFile({ key, blob, store, fetch: counting,
      headers: { "X-Client-Id": "%s" } });
    return { mediaId, patches, url: kept.get(key).url };
  } catch (err) {
    return { error: err.name, code: err.code, message: err.message, offline: err.offline, patches,
             url: kept.get(key)?.url };
  }
}""" % CLIENT_ID


def upload(page: Page, b64: str, key: str, fail_at: list[int] | None = None, keep: bool = False,
           type_: str = "image/png") -> dict:  # type: ignore[type-arg]
    return page.evaluate(UPLOAD, {"b64": b64, "type": type_, "key": key, "failAt": fail_at or [], "keep": keep})


def test_chunks_shrink_after_failures_and_grow_back(browser: Browser, harness_server: str) -> None:
    page = open_harness(browser.new_context(), harness_server)
    done = upload(page, png(700), "grow", fail_at=[2, 3])
    assert done.get("mediaId"), done
    # 256 KB; cut; 128 KB cut; 64 KB twice; then 128 KB twice; then 256 KB again.
    assert done["patches"][:8] == [256 * KB, 256 * KB, 128 * KB, 64 * KB, 64 * KB, 128 * KB, 128 * KB, 256 * KB]
    three_cuts = upload(page, png(700), "gives-up", fail_at=[1, 2, 3])
    assert three_cuts["error"] == "UploadInterrupted" and three_cuts["offline"] is True


def test_an_upload_the_server_forgot_starts_afresh(browser: Browser, harness_server: str) -> None:
    page = open_harness(browser.new_context(), harness_server)
    data = png(700)
    stopped = upload(page, data, "forgot", fail_at=[2, 3, 4], keep=True)
    assert stopped["error"] == "UploadInterrupted"
    gone = httpx.delete(stopped["url"], headers={**TUS, "X-Client-Id": CLIENT_ID})
    assert gone.status_code == 204
    again = upload(page, data, "forgot", keep=True)
    assert again.get("mediaId") and again["url"] != stopped["url"], again
    resumed_nothing = upload(page, data, "forgot", keep=True)  # the media id was kept: no request at all
    assert resumed_nothing["mediaId"] == again["mediaId"] and resumed_nothing["patches"] == []


def test_the_client_runs_in_a_worker_and_a_refusal_is_its_own_error(browser: Browser, harness_server: str) -> None:
    page = open_harness(browser.new_context(), harness_server)
    in_worker = """async ({ b64, type, clientId }) => {
      const worker = new Worker("/__test__/upload-worker.js", { type: "module" });
      const answer = new Promise((resolve) => { worker.onmessage = ({ data }) => resolve(data); });
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      worker.postMessage({ key: "w", blob: new Blob([bytes], { type }), clientId });
      const data = await answer;
      worker.terminate();
      return data;
    }"""
    done = page.evaluate(in_worker, {"b64": png(400), "type": "image/png", "clientId": CLIENT_ID})
    assert done.get("mediaId"), done
    photo = httpx.get(f"{harness_server}/api/photos/{done['mediaId']}", headers={"X-Client-Id": CLIENT_ID})
    assert photo.status_code == 200
    pdf = base64.b64encode(minimal_pdf()).decode()
    refused = page.evaluate(in_worker, {"b64": pdf, "type": "image/jpeg", "clientId": CLIENT_ID})
    assert refused == {"error": "UploadRefused", "code": "not_an_image",
                       "message": "文件不是图片，请选择照片（JPEG 或 PNG）"}
