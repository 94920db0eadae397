"""Helpers for the Open311 tests: a live server with the demo data and an API key, and a checker of every answer
against the GeoReport v2 spec (required fields and their types, in JSON and in XML parsed by a real XML parser)."""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

import httpx

from server import settings
from server.open311 import keys
from tests.support.databases import new_database
from tests.support.live import PASSWORD, LiveApp, start_demo

W3C = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00")
STR, OPT_STR, W3C_T, OPT_W3C, NUM, BOOL = "str", "str?", "w3c", "w3c?", "num?", "bool"
# Each answer's items: field → type. Every field is present (null or an empty element where there is no value).
SHAPES: dict[str, dict[str, str]] = {
    "service": {"service_code": STR, "service_name": STR, "description": STR, "metadata": BOOL, "type": STR,
                "keywords": STR, "group": STR},
    "request": {"service_request_id": STR, "status": STR, "status_notes": OPT_STR, "service_name": STR,
                "service_code": STR, "description": STR, "agency_responsible": OPT_STR, "service_notice": OPT_STR,
                "requested_datetime": W3C_T, "updated_datetime": W3C_T, "expected_datetime": OPT_W3C,
                "address": STR, "address_id": STR, "zipcode": STR, "lat": NUM, "long": NUM, "media_url": OPT_STR},
    "created": {"service_request_id": STR, "service_notice": OPT_STR, "account_id": OPT_STR},
    "pending": {"token": STR, "service_notice": OPT_STR, "account_id": OPT_STR},
    "token": {"service_request_id": STR, "token": STR},
    "update": {"update_id": STR, "service_request_id": STR, "status": STR, "updated_datetime": W3C_T,
               "description": STR, "media_url": OPT_STR},
    "error": {"code": "int", "description": STR},
}
ROOTS = {"service": ("services", "service"), "request": ("service_requests", "request"),
         "created": ("service_requests", "request"), "pending": ("service_requests", "request"),
         "token": ("service_requests", "request"), "update": ("service_request_updates", "request_update"),
         "error": ("errors", "error")}


def _check_json_value(kind: str, value: Any, where: str) -> None:
    optional = kind.endswith("?")
    if value is None:
        assert optional, f"{where} is null"
        return
    base = kind.rstrip("?")
    if base == "str":
        assert isinstance(value, str), f"{where} is not a string: {value!r}"
    elif base == "w3c":
        assert isinstance(value, str) and W3C.fullmatch(value), f"{where} is not W3C: {value!r}"
    elif base == "num":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    elif base == "bool":
        assert isinstance(value, bool), where
    elif base == "int":
        assert isinstance(value, int) and not isinstance(value, bool), where


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_json(shape: str, data: Any) -> list[dict[str, Any]]:
    assert isinstance(data, list), data
    for i, item in enumerate(data):
        assert set(item) == set(SHAPES[shape]), (shape, sorted(item))
        for name, kind in SHAPES[shape].items():
            _check_json_value(kind, item[name], f"{shape}[{i}].{name}")
    return data


def check_xml(shape: str, body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    root = ET.fromstring(body)
    wrapper, item_tag = ROOTS[shape]
    assert root.tag == wrapper, root.tag
    items = []
    for element in root:
        assert element.tag == item_tag
        item = {child.tag: child.text or "" for child in element}
        assert set(item) == set(SHAPES[shape]), (shape, sorted(item))
        for name, kind in SHAPES[shape].items():
            text = item[name]
            if kind.endswith("?") and text == "":
                continue
            if kind.startswith("w3c"):
                assert W3C.fullmatch(text), (name, text)
            elif kind.startswith("num"):
                float(text)
            elif kind == BOOL:
                assert text in ("true", "false"), (name, text)
            elif kind == "int":
                assert text.isdigit(), (name, text)
        items.append(item)
    return items


def same_in_both(shape: str, json_items: list[dict[str, Any]], xml_items: list[dict[str, str]]) -> None:
    """The XML answer says what the JSON one says, field by field."""
    assert [{k: _as_text(v) for k, v in item.items()} for item in json_items] == xml_items, shape


def get_both(base: str, path: str, shape: str, **params: Any) -> list[dict[str, Any]]:
    """GET ``path`` (without its format) as JSON and as XML, check both against the spec, and return the JSON."""
    as_json = httpx.get(f"{base}/open311/v2/{path}.json", params=params, timeout=10)
    as_xml = httpx.get(f"{base}/open311/v2/{path}.xml", params=params, timeout=10)
    assert as_json.status_code == as_xml.status_code == 200, (as_json.text, as_xml.text)
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    assert as_xml.headers["content-type"] == "text/xml; charset=utf-8"
    items = check_json(shape, as_json.json())
    same_in_both(shape, items, check_xml(shape, as_xml.content))
    return items


def check_error(response: httpx.Response, status: int, fmt: str) -> str:
    """The answer is the spec's error list with ``status``; returns its description."""
    assert response.status_code == status, (response.status_code, response.text)
    if fmt == "json":
        [error] = check_json("error", response.json())
    else:
        [error] = check_xml("error", response.content)
    assert int(error["code"]) == status and error["description"]
    return str(error["description"])


class Server:
    """A live server with the demo subdistrict and an API key (``self.key``, filed under BL-TX-002)."""

    def __init__(self, tmp: Path, **overrides: Any) -> None:
        config = settings.load(environ={}, database_url=new_database(tmp, "open311"), **overrides)
        self.live: LiveApp = start_demo(config)
        self.url = self.live.url
        self.api = f"{self.url}/open311/v2"
        self.key = self.issue("城市应用")

    def issue(self, name: str, site: str = "BL-TX-002") -> str:
        return self.live.call_soon(keys.issue(self.live.app.state.db, name, site)).result(10)

    def sql(self, query: str, *params: Any) -> list[Any]:
        return [tuple(r) for r in self.live.call_soon(self.live.app.state.db.fetchall(query, params)).result(10)]

    def post(self, fmt: str = "json", **params: Any) -> httpx.Response:
        return httpx.post(f"{self.api}/requests.{fmt}", data={"api_key": self.key, **params}, timeout=30)

    @contextmanager
    def staff(self, username: str = "dispatcher") -> Iterator[httpx.Client]:
        """A signed-in member of staff (the demo users)."""
        with httpx.Client(base_url=self.url, headers={"Origin": self.url}, timeout=10) as client:
            login = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert login.status_code == 200, login.text
            yield client

    def stop(self) -> None:
        self.live.stop()


def push(staff: httpx.Client, client_id: str, mid: int, name: str, **args: Any) -> dict[str, Any]:
    hlc = f"{int(time.time() * 1000):013d}-{mid:04x}"
    r = staff.post("/api/sync/push", json={"client_id": client_id, "mutations": [
        {"mid": mid, "name": name, "args": args, "hlc": hlc}]})
    assert r.status_code == 200, r.text
    return r.json()["results"][0]  # type: ignore[no-any-return]


def running(tmp: Path, **overrides: Any) -> Iterator[Server]:
    server = Server(tmp, **overrides)
    try:
        yield server
    finally:
        server.stop()


def new_id() -> str:
    return str(uuid.uuid4())
