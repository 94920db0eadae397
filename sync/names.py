"""The one list of names the protocol uses; ``sync/client/names.js`` mirrors it (a test checks they agree)."""
from __future__ import annotations

import keyword
from types import SimpleNamespace

# Mutations a client may queue. DESIGN's verbs, plus ``case.return`` (a handler hands a case back to the
# dispatcher, 退回), ``case.close`` (a dispatcher closes a resolved case the resident never rated) and
# ``case.transfer`` (the 12345 hotline forwards its work order to a handling unit, 转办: one event per forwarding).
MUTATIONS = (
    "case.create", "case.accept", "case.dispatch", "case.start", "case.resolve", "case.note", "case.photo",
    "case.set", "case.rate", "case.reopen", "case.withdraw", "case.reject", "case.merge", "case.extend",
    "case.return", "case.close", "case.transfer",
)

# Event types in the log: an applied mutation is recorded under its own name; one that could not take effect as
# sent (a stale transition, an overwrite of a value the writer had not seen) is recorded as ``case.conflict``.
CONFLICT = "case.conflict"
EVENTS = (*MUTATIONS, CONFLICT)

# Case statuses, in lifecycle order, with their Chinese names.
STATUSES = {
    "submitted": "待受理",
    "accepted": "已受理",
    "dispatched": "已派遣",
    "in_progress": "处置中",
    "resolved": "已办结",
    "closed": "已结案",
    "rejected": "不予受理",
    "duplicate": "已合并",
    "withdrawn": "已撤回",
}

# What the server answers for each mutation of a push.
RESULTS = ("applied", "duplicate", "rejected", "conflict")

# Fields that ``case.set`` may write; last writer wins by (hlc, client_id).
SCALAR_FIELDS = ("assignee", "priority", "category", "location")

PRIORITIES = ("low", "normal", "high", "urgent")

RATINGS = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}

# Where a case came from: a site's QR code, a kiosk, staff on the spot or on the phone, an Open311 client (an API
# key), or the city's 12345 hotline (its work orders imported from a file).
CHANNELS = ("qr", "kiosk", "field", "open311", "12345")

# ``integration``: another system that creates cases through the engine (an Open311 API key, the 12345 import).
CLIENT_KINDS = ("resident", "kiosk", "field", "console", "integration")

# Staff roles: an admin and a dispatcher may do everything but a resident's acts; field staff work their cases.
ROLES = ("admin", "dispatcher", "field")

# Error codes of the sync API and of rejected mutations.
ERRORS = (
    "bad_request", "unknown_mutation", "invalid_args", "forbidden", "not_found", "gap", "unavailable",
    "rate_limited", "too_large", "client_mismatch", "id_taken", "photo_not_found",
)


def _attributes(values: tuple[str, ...] | dict[str, str], prefix: str = "") -> SimpleNamespace:
    attrs = {}
    for v in values:
        attr = v.removeprefix(prefix)
        if keyword.iskeyword(attr):
            attr += "_"
        elif not attr.isidentifier():
            attr = "_" + attr
        attrs[attr] = v
    return SimpleNamespace(**attrs)


# Attribute access to the lists above (``M.accept == "case.accept"``, ``S.in_progress``; a Python keyword takes a
# trailing underscore: ``M.return_``, a name that starts with a digit a leading one: ``CHANNEL._12345``), so Python code names them without repeating the strings, and a typo fails
# at import instead of silently matching nothing.
M = _attributes(MUTATIONS, "case.")
S = _attributes(STATUSES)
R = _attributes(RESULTS)
E = _attributes(ERRORS)
ROLE = _attributes(ROLES)
RATING = _attributes(RATINGS)
PRIORITY = _attributes(PRIORITIES)
CHANNEL = _attributes(CHANNELS)
FIELD = _attributes(SCALAR_FIELDS)
KIND = _attributes(CLIENT_KINDS)
