"""The browser apps' files: gzip, strong ETags, 304s, immutable versioned URLs, the worker and its precache list."""
import gzip
import json

from tests.resident_support import api_client


async def test_app_files_are_gzipped_with_strong_etags(tmp_path):
    async with api_client(tmp_path) as client:
        r = await client.get("/pwa/resident/app.js", headers={"accept-encoding": "gzip"})
        assert r.status_code == 200
        assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
        assert r.headers["cache-control"] == "no-cache"
        etag = r.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert "import" in r.text  # httpx decoded the gzip body
        again = await client.get("/pwa/resident/app.js", headers={"if-none-match": etag, "accept-encoding": "gzip"})
        assert again.status_code == 304 and again.content == b""
        plain = await client.get("/pwa/resident/app.js", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.headers["etag"] != etag
        assert plain.headers["content-type"] == "application/javascript; charset=utf-8"


async def test_versioned_url_is_immutable(tmp_path):
    async with api_client(tmp_path) as client:
        r = await client.get("/sw-precache.js")
        data = json.loads(r.text.removeprefix("self.PRECACHE = ").rstrip(";\n"))
        files = dict(data["files"])
        for needed in ("/pwa/resident/index.html", "/pwa/resident/app.js", "/pwa/resident/app.css",
                       "/pwa/resident/icons.svg", "/sync/client/index.js", "/sync/client/outbox.js"):
            assert needed in files, needed
        assert not any("/tools/" in url for url in files)
        versioned = await client.get(f"/pwa/resident/app.css?v={files['/pwa/resident/app.css']}")
        assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
        stale = await client.get("/pwa/resident/app.css?v=0000")
        assert stale.headers["cache-control"] == "no-cache"


async def test_service_worker_scope_and_no_traversal(tmp_path):
    async with api_client(tmp_path) as client:
        sw = await client.get("/sw.js")
        assert sw.status_code == 200 and sw.headers["service-worker-allowed"] == "/"
        assert "importScripts" in sw.text
        for bad in ("/pwa/tools/make_icons.py", "/pwa/../server/app.py", "/pwa/resident/%2e%2e/%2e%2e/README.md",
                    "/pwa/nope.js", "/sync/client/../names.py"):
            assert (await client.get(bad)).status_code == 404, bad


async def test_shell_is_one_static_page_for_every_site(tmp_path):
    async with api_client(tmp_path) as client:
        one = await client.get("/s/BL-TX-001", headers={"accept-encoding": "gzip"})
        two = await client.get("/s/BL-LT-002", headers={"accept-encoding": "gzip"})
        assert one.status_code == two.status_code == 200 and one.text == two.text
        assert one.headers["etag"] == two.headers["etag"]
        assert (await client.get("/t/0123456789abcdef0123456789abcdef")).text == one.text
        assert (await client.get("/s/")).text == one.text
        missing = await client.get("/s/NO-SUCH-SITE")
        assert missing.status_code == 404 and "找不到该站点" in missing.text


async def test_compressed_sizes_are_what_gzip_gives(tmp_path):
    async with api_client(tmp_path) as client:
        r = await client.get("/pwa/resident/app.css", headers={"accept-encoding": "gzip"})
        raw = (await client.get("/pwa/resident/app.css", headers={"accept-encoding": "identity"})).content
        assert int(r.headers["content-length"]) == len(gzip.compress(raw, compresslevel=9, mtime=0))


def test_served_modules_lose_only_whole_line_comments_and_still_parse(tmp_path):
    import subprocess

    from server.assets import AssetStore, served_js

    store = AssetStore()
    sources = [p for folder in store.mounts.values() for p in folder.rglob("*.js") if "tools" not in p.parts]
    assert len(sources) > 30
    for path in sources:
        text = path.read_text(encoding="utf-8")
        # A multi-line template literal could hold a line that looks like a comment: there must be none.
        assert all(line.count("`") % 2 == 0 for line in text.splitlines()), path
        served = served_js(text.encode()).decode()
        kept = [line for line in text.splitlines() if line.strip() and not line.strip().startswith(("//", "/*", "*"))]
        assert [line for line in served.splitlines() if line.strip()] == kept, path
        out = tmp_path / (path.stem + ".mjs")
        out.write_text(served, encoding="utf-8")
        check = subprocess.run(["node", "--check", str(out)], capture_output=True, text=True)
        assert check.returncode == 0, f"{path}: {check.stderr}"
