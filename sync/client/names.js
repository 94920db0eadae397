// The one list of protocol names for the browser; mirrors sync/names.py (tests/test_names.py checks they agree).

// DESIGN's verbs, plus case.return (退回 to the dispatcher), case.close (close an unrated resolved case) and
// case.transfer (the 12345 hotline forwards its work order, 转办).
export const MUTATIONS = Object.freeze([
  "case.create", "case.accept", "case.dispatch", "case.start", "case.resolve", "case.note", "case.photo",
  "case.set", "case.rate", "case.reopen", "case.withdraw", "case.reject", "case.merge", "case.extend",
  "case.return", "case.close", "case.transfer",
]);

// Event types in the log: an applied mutation keeps its own name; one that could not take effect as sent is a conflict.
export const CONFLICT = "case.conflict";
export const EVENTS = Object.freeze([...MUTATIONS, CONFLICT]);

export const STATUSES = Object.freeze({
  submitted: "待受理",
  accepted: "已受理",
  dispatched: "已派遣",
  in_progress: "处置中",
  resolved: "已办结",
  closed: "已结案",
  rejected: "不予受理",
  duplicate: "已合并",
  withdrawn: "已撤回",
});

export const RESULTS = Object.freeze(["applied", "duplicate", "rejected", "conflict"]);

export const SCALAR_FIELDS = Object.freeze(["assignee", "priority", "category", "location"]);

export const PRIORITIES = Object.freeze(["low", "normal", "high", "urgent"]);

export const RATINGS = Object.freeze({ satisfied: "满意", basically: "基本满意", unsatisfied: "不满意" });

export const CHANNELS = Object.freeze(["qr", "kiosk", "field", "open311", "12345"]);

export const CLIENT_KINDS = Object.freeze(["resident", "kiosk", "field", "console", "integration"]);

export const ROLES = Object.freeze(["admin", "dispatcher", "field"]);

export const ERRORS = Object.freeze([
  "bad_request", "unknown_mutation", "invalid_args", "forbidden", "not_found", "gap", "unavailable",
  "rate_limited", "too_large", "client_mismatch", "id_taken", "photo_not_found",
]);
