"""The browser apps' files (``pwa/`` and ``sync/client/``): content hashes, gzip, and the precache list.

Files are read from the source tree and kept in memory with their gzip form; a file whose size or mtime
changed is read again, so editing a file during development needs no restart. The hash of a file is its
strong ETag and its version: ``/pwa/x.js?v=<hash>`` may be cached for a year, the plain URL is revalidated.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# URL prefix → folder. The resident app imports the sync client from ``/sync/client/``.
MOUNTS = {"/pwa/": ROOT / "pwa", "/sync/client/": ROOT / "sync" / "client"}

_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".webmanifest", ".svg"}
# Tools and tests live beside the app but are never served.
_NOT_SERVED = {"tools", "node_modules", "__pycache__"}

# What the resident app needs to open offline, precached by the service worker.
# The large install icons are left out: the browser fetches them only when someone installs the app.
PRECACHE_GLOBS = ("resident/**/*.js", "resident/**/*.css", "resident/**/*.svg", "resident/index.html",
                  "resident/manifest.webmanifest", "shared/*.js", "shared/*.css", "icons/icon-192.png",
                  "icons/icon.svg")
# What the field-staff app needs offline, precached by its own worker (scope /field/): its files, the few
# modules it shares with the console and the resident app, and what every app shares (pwa/shared/). Its worker
# script is not precached by itself.
FIELD_PRECACHE_GLOBS = ("field/**/*.js", "field/**/*.css", "field/index.html", "field/manifest.webmanifest",
                        "console/dom.js", "console/countdown.js", "console/timeline.js", "console/live.js",
                        "console/i18n/*.js",
                        "resident/lib/shrink.js", "resident/lib/validate.js", "shared/*.js", "shared/*.css",
                        "icons/icon-192.png", "icons/icon.svg")
_NOT_PRECACHED = {"field/sw.js"}


# Whole-line comments: a line that is only a // comment, and a /* … */ block whose first and last lines hold
# nothing else. Code, and comments that share a line with code, are left alone; the sources have no
# multi-line template literals (tests/test_pwa_static.py checks), so no string loses a line.
_LINE_COMMENT = re.compile(rb"(?m)^[ \t]*//[^\n]*\n")
_BLOCK_COMMENT = re.compile(rb"(?ms)^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n")


def served_js(source: bytes) -> bytes:
    """A module as sent to browsers: the source without its whole-line comments.

    The comments are for people reading the repository; on a phone's first visit they would be a third of
    the compressed bytes. No other change is made (no bundling, no renaming), so line-for-line the served
    module is still the source minus comment lines.
    """
    return _BLOCK_COMMENT.sub(b"", _LINE_COMMENT.sub(b"", source))


@dataclass(frozen=True)
class Asset:
    path: Path
    media_type: str
    body: bytes
    gzipped: bytes | None
    digest: str
    stamp: tuple[int, int]

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'

    @property
    def gzip_etag(self) -> str:
        # A strong ETag names one representation: the gzip body gets its own.
        return f'"{self.digest}-gz"'


class AssetStore:
    """Finds, hashes and compresses the served files; one instance per application."""

    def __init__(self, mounts: dict[str, Path] | None = None) -> None:
        self.mounts = mounts or MOUNTS
        self._cache: dict[Path, Asset] = {}

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, or None (never a path outside the mounted folders)."""
        for prefix, folder in self.mounts.items():
            if url_path.startswith(prefix):
                rest = url_path[len(prefix):]
                if not rest or any(part in _NOT_SERVED or part.startswith(".") for part in rest.split("/")):
                    return None
                candidate = (folder / rest).resolve()
                if folder.resolve() not in candidate.parents or not candidate.is_file():
                    return None
                if candidate.suffix not in _TYPES:
                    return None
                return candidate
        return None

    def get(self, path: Path) -> Asset:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        body = path.read_bytes()
        if path.suffix in (".js", ".mjs"):
            body = served_js(body)
        gz = gzip.compress(body, compresslevel=9, mtime=0) if path.suffix in _COMPRESSIBLE else None
        if gz is not None and len(gz) >= len(body):
            gz = None
        media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        asset = Asset(path, media_type, body, gz, hashlib.sha256(body).hexdigest()[:16], stamp)
        self._cache[path] = asset
        return asset

    def url_of(self, path: Path) -> str:
        for prefix, folder in self.mounts.items():
            try:
                return prefix + path.relative_to(folder.resolve()).as_posix()
            except ValueError:
                continue
        raise ValueError(path)

    def precache(self, globs: tuple[str, ...] = PRECACHE_GLOBS) -> tuple[str, list[tuple[str, str]]]:
        """The app version (a hash of every precached file) and each file's URL with its hash.

        ``globs`` names one app's files under ``pwa/`` (the resident app's by default, ``FIELD_PRECACHE_GLOBS``
        for the field app); the sync client is always included."""
        pwa = self.mounts["/pwa/"].resolve()
        found: set[Path] = set()
        for pattern in globs:
            found.update(p.resolve() for p in pwa.glob(pattern)
                         if p.is_file() and p.relative_to(pwa).as_posix() not in _NOT_PRECACHED)
        found.update(p.resolve() for p in self.mounts["/sync/client/"].glob("*.js") if p.is_file())
        files = sorted((self.url_of(p), self.get(p).digest) for p in found
                       if not any(part in _NOT_SERVED for part in p.parts))
        version = hashlib.sha256(repr(files).encode()).hexdigest()[:12]
        return version, files
