"""What GeoReport v2 shows of our categories, cases and their steps.

- A category is a service: ``service_code`` its code, ``service_name`` its Chinese name; no attributes.
- A case is a service request: ``service_request_id`` is its number (``BL20261120-0042``); ``status`` is ``open``
  while it is handled and ``closed`` once resolved, closed, rejected, merged or withdrawn; the finer step, in
  mySociety's vocabulary where it fits, starts ``status_notes`` (``in_progress 处置中``) and is the ``status`` of
  each of its updates. ``expected_datetime`` is the resolution deadline (as extended), ``agency_responsible`` the
  public name of the team handling it, ``address_id`` its site's code. Contact data is never shown, and
  ``description`` is at most 4,000 characters.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from server.open311.params import w3c
from sync.lifecycle import is_rework
from sync.names import STATUSES, S

MAX_DESCRIPTION = 4000
OPEN = frozenset({S.submitted, S.accepted, S.dispatched, S.in_progress})
# Our status → the mySociety Open311 extension's status.
STEP = {
    S.submitted: "open", S.accepted: "investigating", S.dispatched: "action_scheduled", S.in_progress: "in_progress",
    S.resolved: "fixed", S.closed: "fixed", S.rejected: "no_further_action", S.duplicate: "duplicate",
    S.withdrawn: "closed",
}
REOPENED = "reopen"  # a resolution that did not hold (返工): back to being handled
GROUPS = {"consultation": "咨询", "help": "求助", "suggestion": "建议", "complaint": "投诉"}


def _limits(row: Mapping[str, Any]) -> str:
    minutes = row["response_limit_minutes"]
    response = f"{minutes // 60} 小时" if minutes % 60 == 0 else f"{minutes} 分钟"
    return f"{response}内受理，{row['resolution_limit_days']} 个工作日内办结"


def service(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"service_code": row["code"], "service_name": row["name_zh"],
            "description": f"{row['name_zh']}（{row['name_en']}）：{_limits(row)}", "metadata": False,
            "type": "realtime", "keywords": f"{row['name_zh']}, {row['name_en']}",
            "group": GROUPS.get(row["kind"], row["kind"])}


def service_definition(code: str) -> dict[str, Any]:
    return {"service_code": code, "attributes": []}


def _detail(row: Mapping[str, Any]) -> str | None:
    status = row["status"]
    if status in (S.resolved, S.closed):
        return row["resolution"]
    if status == S.rejected:
        return row["reject_reason"]
    if status == S.duplicate and row["duplicate_of_number"]:
        return f"已合并到 {row['duplicate_of_number']}"
    return None


def _address(row: Mapping[str, Any], place: Mapping[str, Any] | None, subdistrict: str) -> str:
    specific = row["address_string"] or (place or {}).get("text")
    parts = [specific, row["site_address"], row["site_name"], row["community"], subdistrict]
    return "，".join(dict.fromkeys(p for p in parts if p))


def service_request(row: Mapping[str, Any], subdistrict: str, zipcode: str) -> dict[str, Any]:
    place = json.loads(row["location"]) if row["location"] else None
    status = row["status"]
    detail = _detail(row)
    notes = f"{STEP[status]} {STATUSES[status]}" + (f"：{detail}" if detail else "")
    return {
        "service_request_id": row["number"], "status": "open" if status in OPEN else "closed",
        "status_notes": notes, "service_name": row["service_name"], "service_code": row["category"],
        "description": row["description"][:MAX_DESCRIPTION], "agency_responsible": row["team_name"],
        "service_notice": None, "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["updated_at"] or row["created_at"]), "expected_datetime": w3c(row["expected_at"]),
        "address": _address(row, place, subdistrict), "address_id": row["site"], "zipcode": zipcode,
        "lat": place["lat"] if place else None, "long": place["lng"] if place else None,
        "media_url": row["media_url"],
    }


def update(row: Mapping[str, Any]) -> dict[str, Any]:
    """One status step of a case, as mySociety's ``request_update``."""
    payload = json.loads(row["payload"])
    to = payload["to"]
    step = REOPENED if is_rework(row["type"], to) else STEP[to]
    detail = {"case.resolve": payload.get("text"), "case.reject": payload.get("reason"),
              "case.merge": f"已合并到 {row['merged_into']}" if row["merged_into"] else None}.get(row["type"])
    return {"update_id": str(row["seq"]), "service_request_id": row["number"], "status": step,
            "updated_datetime": w3c(row["created_at"]),
            "description": STATUSES[to] + (f"：{detail}" if detail else ""), "media_url": None}


def discovery(base_url: str, contact: str) -> dict[str, Any]:
    return {
        "changeset": "2026-11-20 00:00", "contact": contact,
        "key_service": "API 密钥由本系统管理员用 mashangban apikey add 签发，请联系管理员申请",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": f"{base_url}/open311/v2",
                       "changeset": "2026-11-20 00:00", "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
