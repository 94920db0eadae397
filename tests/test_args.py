"""Mutation arguments: normalised when valid, refused with a code and a Chinese message when not."""
from typing import Any

import pytest

from sync.args import Invalid, validate
from sync.names import E, M

CASE = "7d8e4f6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"


def test_a_report_is_normalised() -> None:
    args = validate(M.create, {"id": CASE, "track_token": "f" * 32, "site": "BL-TX-001", "category": "noise",
                               "description": "  路灯不亮  ", "contact": {"name": "", "phone": "138 0000 0000"},
                               "photos": ["p1", "p1", "p2"], "location": {"lat": 22.5, "lng": 114, "text": " 北门 "},
                               "from_a_newer_client": True})
    assert args == {"id": CASE, "track_token": "f" * 32, "site": "BL-TX-001", "category": "noise",
                    "description": "路灯不亮", "contact": {"name": None, "phone": "138 0000 0000"},
                    "photos": ["p1", "p2"], "location": {"lat": 22.5, "lng": 114.0, "text": "北门"},
                    "channel": None, "priority": None, "submitted_at": None, "resolution_due": None,
                    "confidential": False, "callback": False}


def test_a_call_taken_elsewhere_carries_its_time_deadline_and_marks() -> None:
    args = validate(M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c",
                               "description": "x" * 4000, "submitted_at": "2026-11-20T09:30:00+08:00",
                               "resolution_due": "2026-11-27", "confidential": True, "callback": False})
    assert (args["submitted_at"], args["resolution_due"]) == ("2026-11-20T01:30:00.000Z", "2026-11-27T15:59:59.999Z")
    assert args["confidential"] is True and args["callback"] is False
    assert validate(M.transfer, {"id": CASE, "unit": " 宝龙街道 ", "at": "2026-11-20T10:00:00+08:00"}) == {
        "id": CASE, "unit": "宝龙街道", "at": "2026-11-20T02:00:00.000Z", "opinion": None}


@pytest.mark.parametrize("name, args, code", [
    ("case.fly", {"id": CASE}, E.unknown_mutation),
    (["case.note"], {"id": CASE}, E.unknown_mutation),
    (M.accept, None, E.invalid_args),
    (M.accept, {"id": CASE.upper()}, E.invalid_args),
    (M.create, {"id": CASE, "track_token": "short", "site": "S1", "category": "c", "description": "x"}, E.invalid_args),
    (M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c", "description": " "}, E.invalid_args),
    (M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c", "description": "x" * 4001},
     E.invalid_args),
    (M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c", "description": "x",
                "submitted_at": "2026-11-20 09:30"}, E.invalid_args),
    (M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c", "description": "x",
                "resolution_due": 20261127}, E.invalid_args),
    (M.create, {"id": CASE, "track_token": "f" * 32, "site": "S1", "category": "c", "description": "x",
                "confidential": "是"}, E.invalid_args),
    (M.transfer, {"id": CASE, "unit": "宝龙街道"}, E.invalid_args),
    (M.transfer, {"id": CASE, "unit": " ", "at": "2026-11-20T10:00:00+08:00"}, E.invalid_args),
    (M.note, {"id": CASE, "note_id": CASE, "text": "x", "photos": ["p"] * 10}, E.invalid_args),
    (M.set, {"id": CASE, "field": "status", "value": "closed", "seen": None}, E.invalid_args),
    (M.set, {"id": CASE, "field": "priority", "value": "asap", "seen": None}, E.invalid_args),
    (M.set, {"id": CASE, "field": "assignee", "value": True, "seen": None}, E.invalid_args),
    (M.set, {"id": CASE, "field": "location", "value": {"lat": 91, "lng": 0}, "seen": None}, E.invalid_args),
    (M.set, {"id": CASE, "field": "location", "value": {"lat": float("nan"), "lng": 0}, "seen": None}, E.invalid_args),
    (M.set, {"id": CASE, "field": "priority", "value": "high", "seen": "yesterday"}, E.invalid_args),
    (M.rate, {"id": CASE, "rating": "great"}, E.invalid_args),
    (M.reject, {"id": CASE}, E.invalid_args),
    (M.merge, {"id": CASE, "into": CASE}, E.invalid_args),
    (M.extend, {"id": CASE, "until": "soon", "reason": "x"}, E.invalid_args),
    (M.dispatch, {"id": CASE, "team": "T1", "assignee": -1}, E.invalid_args),
])
def test_invalid_arguments_are_refused(name: Any, args: Any, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        validate(name, args)
    assert refused.value.code == code and refused.value.message


def test_optional_arguments() -> None:
    assert validate(M.withdraw, {"id": CASE}) == {"id": CASE, "reason": None}
    assert validate(M.set, {"id": CASE, "field": "assignee", "value": None, "seen": None})["value"] is None
    assert validate(M.dispatch, {"id": CASE, "team": "T1"}) == {"id": CASE, "team": "T1", "assignee": None}
