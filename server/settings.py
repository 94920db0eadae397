"""Settings as data: each has a name, a default and one sentence, read from ``MASHANGBAN_<NAME>``."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "MASHANGBAN_" + self.name.upper()

    def parse(self, raw: str) -> Any:
        if isinstance(self.default, bool):
            if raw.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.strip().lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"{self.env} must be true or false, not {raw!r}")
        if isinstance(self.default, int):
            return int(raw)
        if isinstance(self.default, float):
            return float(raw)
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "var/mashangban.db", "Where the data lives: the path of a SQLite file (made with its folder if missing), or a postgresql:// URL"),
    Setting("pg_pool_size", 10, "Reader connections each server process keeps open to PostgreSQL (writes use one more)"),
    Setting("base_url", "http://127.0.0.1:8000", "Public base URL printed in QR codes and posters, without a trailing slash"),
    Setting("subdistrict", "宝龙街道", "Name of the subdistrict shown on posters and pages"),
    Setting("secret_key", "", "Key that signs session cookies; empty makes a random one per start (sessions end on restart)"),
    Setting("sqlite_synchronous", "FULL", "SQLite synchronous mode for the writer; FULL keeps acknowledged writes through a power cut"),
    Setting("demo_password", "demo1234", "Password given to the demo staff users that `serve --demo` creates"),
    Setting("session_hours", 12, "Hours a staff sign-in lasts before the person must sign in again"),
    Setting("device_token_days", 30, "Days a field phone's device token lasts after its last use; each use renews it"),
    Setting("login_max_failures", 5, "Failed sign-ins for one username (known or not) within the lock period after which it is locked"),
    Setting("login_lock_minutes", 15, "Minutes a username stays locked after too many failed sign-ins; a new count starts when it ends"),
    Setting("login_failures_per_address", 30, "Failed sign-ins one network address may make per lock period, over all usernames (429 after that)"),
    Setting("login_hash_workers", 2, "Password checks that may run at once, each on a thread for tens of milliseconds; more sign-ins wait their turn"),
    Setting("trusted_proxies", "", "Addresses of reverse proxies whose X-Forwarded-For is believed, comma-separated; empty believes none"),
    Setting("sse_ping_s", 15, "Seconds between keep-alive comments on event streams"),
    Setting("sse_track_streams_per_address", 30, "Resident tracking streams one network address may hold open at once (429 past it)"),
    Setting("sse_staff_streams_per_address", 100, "Staff event streams one network address may hold open at once (429 past it)"),
    Setting("sse_sign_in_check_s", 30, "Seconds between checks that an open staff stream's sign-in still stands (signing out ends it at once)"),
    Setting("deadline_warn_fraction", 0.25, "A deadline turns amber once less than this fraction of its window is left"),
    Setting("cases_page_size", 50, "Cases per page of GET /api/cases when the request names no page size (at most 200)"),
    Setting("timeline_offline_s", 120, "An action that reaches the server this many seconds or more after its device recorded it is marked in timelines as done offline and synced later"),
    Setting("sse_queue_max", 500, "Events a live stream may fall behind by before it is cut loose (its client reconnects and replays)"),
    Setting("sse_replay_page", 500, "Events read from the log per query when a reconnecting stream replays what it missed"),
    Setting("sync_max_batch", 200, "Most mutations one sync push may carry; a longer batch is refused with 413"),
    Setting("sync_max_body_bytes", 1_000_000, "Largest sync push body in bytes; a larger one is refused with 413"),
    Setting("sync_pull_limit", 200, "Most changes one sync pull returns; the client pulls again while `more` is true"),
    Setting("sync_max_drift_ms", 60_000, "How far (ms) a client's clock may run ahead of the server's before its HLC is clamped"),
    Setting("sync_retry_after_s", 2, "Seconds a client is told to wait (Retry-After) after a transient push failure"),
    Setting("case_number_prefix", "BL", "Letters that start every case number, e.g. BL20261127-0042"),
    Setting("photo_max_mb", 10, "Largest photo upload accepted, in MB (browsers shrink photos well below this first)"),
    Setting("photo_max_pixels", 40_000_000, "Most pixels (width × height) a photo upload may decode to, against decompression bombs"),
    Setting("photo_long_edge", 1600, "Long edge in pixels to which a stored photo is shrunk when it is larger"),
    Setting("photo_jpeg_quality", 82, "JPEG quality (1–95) at which uploaded photos are re-encoded"),
    Setting("media_max_decodes", 2, "Uploaded images decoded at once at most; the rest wait their turn, so a burst of large images cannot exhaust memory"),
    Setting("upload_expire_hours", 24.0, "Hours an unfinished resumable upload is kept after its last chunk before the cleanup deletes its bytes"),
    Setting("upload_sweep_minutes", 10.0, "Minutes between two runs of the cleanup that deletes expired uploads"),
    Setting("rate_window_minutes", 60, "Length of the window over which the public write limits below are counted"),
    Setting("rate_photos_per_client", 30, "Photo uploads one resident client id may make per rate window"),
    Setting("rate_photos_per_address", 120, "Photo uploads one network address may make per rate window (many phones may share one)"),
    Setting("rate_cases_per_client", 60, "New cases one resident client id may push per rate window"),
    Setting("rate_cases_per_address", 300, "New cases one network address may push per rate window (many phones may share one)"),
    Setting("rate_new_client_cases", 5, "Most new cases one push may bring from a client id the server has never seen (413: the browser sends them in parts)"),
    Setting("rate_writes_per_client", 60, "Other writes (notes, ratings, withdrawals) one resident client id may push per rate window"),
    Setting("rate_writes_per_address", 300, "Other writes (notes, ratings, withdrawals) one network address may push per rate window"),
    Setting("zipcode", "", "Postal code of the subdistrict, given as `zipcode` in Open311 answers (empty: none)"),
    Setting("open311_contact", "请联系街道指挥中心", "How to reach the people behind the Open311 API, shown in its discovery document"),
    Setting("open311_retry_window_s", 600, "Seconds within which an Open311 POST with the same key and parameters answers with the first case instead of creating another"),
    Setting("open311_max_body_bytes", 100_000, "Largest Open311 POST body in bytes; a larger one is refused with 413"),
    Setting("open311_wait_s", 5.0, "Seconds an Open311 POST waits for its case to be written before answering with a token to ask about later"),
    Setting("hotline_site", "", "Site under which `import-12345` files the hotline's work orders when the command names none"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """The settings in force: defaults, overridden by the environment, overridden by explicit values."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> "Config":
        unknown = set(changes) - set(_BY_NAME)
        if unknown:
            raise KeyError(f"unknown settings: {sorted(unknown)}")
        return Config({**self.values, **changes})


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
    """Read every setting from ``environ`` (default ``os.environ``), then apply ``overrides``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        values[s.name] = s.parse(env[s.env]) if s.env in env else s.default
    values["base_url"] = str(values["base_url"]).rstrip("/")
    config = Config(values)
    return config.replace(**overrides) if overrides else config
