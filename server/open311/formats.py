"""The two formats of GeoReport v2: JSON and the XML it maps from (the spec's "Spark convention"), and its errors.

Every answer is built once as plain data (dicts, lists, strings, numbers, booleans, None) and written in the
requested format: a list becomes a wrapper element holding one element per item (``services`` → ``service``),
None an empty element, a boolean ``true``/``false``. XML text is stripped of the characters XML 1.0 cannot carry
(control characters a report may contain), so any answer parses.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from starlette.responses import Response

FORMATS = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# Wrapper element → the element of each item, for the lists the spec names.
ITEMS = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value", "service_request_updates": "request_update",
}
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An answer in the spec's error shape ``[{code, description}]`` with its HTTP status."""

    def __init__(self, status: int, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


def fmt_of(value: str) -> str:
    """The format a client asked for; XML (the spec's required format) for anything we do not write."""
    return value if value in FORMATS else "xml"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEMS[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def answer(fmt: str, root: str, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``data`` in ``fmt``; ``root`` is the XML root element (a list's wrapper, e.g. ``service_requests``)."""
    # Public data any civic web app may read from its own origin; the one write needs an api_key, not a cookie.
    headers = {"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*", **(headers or {})}
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)
    return Response(to_xml(root, data), status_code=status, media_type=XML_TYPE, headers=headers)


def error_answer(fmt: str, error: Open311Error) -> Response:
    return answer(fmt, "errors", [{"code": error.status, "description": error.description}], error.status,
                  error.headers)
