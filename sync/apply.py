"""The engine: apply one push (a client's batch of mutations) inside one write transaction.

The caller opens a write transaction (``sync.storage.EngineTx``: alone on the database, whichever process holds
it) and passes it, so "read the watermark, apply, advance it" is one atomic step: two requests from one client
cannot both pass the ``last_mid`` check, even on two servers. The whole push then runs as plain synchronous code
on the writer's own thread, in one trip (``EngineTx.engine``), rather than one trip per statement. Per mutation,
in ``mid`` order:

- ``mid <= last_mid``: already done, answered ``duplicate`` and not looked at again;
- a gap (the first new ``mid`` is not ``last_mid + 1``, or the new ones skip a number) raises :class:`GapError`
  before anything is written, and the caller rolls back;
- permanently invalid (malformed arguments or HLC, unknown name, no right, unknown case): recorded as
  ``rejected`` with an error code, and ``last_mid`` still moves past it, so one bad mutation never blocks a queue;
- otherwise the merge rules (``sync.merge``) decide: ``applied``, ``duplicate`` or ``conflict``.

Any other exception propagates; the transaction rolls back and nothing of the push is kept (the HTTP layer
answers 503, and the client sends the same batch again).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync import hlc as hlc_mod
from sync.actor import INTEGRATION, KIOSK, RESIDENT, Actor
from sync.args import TOKEN, Invalid, validate
from sync.dates import iso, local_day
from sync.fold import attachments, fold
from sync.merge import Outcome, decide
from sync.names import KIND, ROLE, E, M, R
from sync.storage import EngineStore, EngineTx


@dataclass(frozen=True)
class Options:
    """Engine settings (the HTTP layer fills them from ``server.settings``)."""

    max_drift_ms: int = 60_000
    number_prefix: str = "BL"


class PushError(Exception):
    """The push as a whole is refused and nothing is written: an error code and a Chinese message."""

    code = E.bad_request

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GapError(PushError):
    """The batch does not continue where the client's queue stands; send again from ``expected_mid``."""

    code = E.gap

    def __init__(self, expected_mid: int) -> None:
        super().__init__(f"同步序号不连续，请从第 {expected_mid} 条重新提交")
        self.expected_mid = expected_mid


class ClientMismatch(PushError):
    """The client id belongs to another owner (another staff user, a resident, a kiosk)."""

    code = E.client_mismatch

    def __init__(self) -> None:
        super().__init__("该设备编号已被其他用户使用，请重新登录或清除本地数据")


@dataclass
class PushOutcome:
    """What a push came to: the new watermark, one result per mutation sent, the log's top, the new events."""

    last_mid: int
    results: list[dict[str, Any]]
    cursor: int
    events: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)


def _client_kind(actor: Actor) -> str:
    if actor.kind == RESIDENT:
        return KIND.resident
    if actor.kind == KIOSK:
        return KIND.kiosk
    if actor.kind == INTEGRATION:
        return KIND.integration
    return KIND.field if actor.role == ROLE.field else KIND.console


def check_owner(actor: Actor, client: dict[str, Any]) -> None:
    """Raise :class:`ClientMismatch` unless ``client`` (a clients row) belongs to ``actor``: a resident's id to a
    resident, a kiosk's to that kiosk's site, a staff device's to the same staff user (whatever their role now)."""
    staff_kinds = (KIND.field, KIND.console)
    if actor.is_staff:
        mine = client["kind"] in staff_kinds and client["user_id"] == actor.user_id
    else:
        mine = client["kind"] == _client_kind(actor) and client["site"] == (actor.site if actor.kind == KIOSK else None)
    if not mine:
        raise ClientMismatch()


def _mids(mutations: Any) -> list[int]:
    if not isinstance(mutations, list):
        raise PushError("mutations 必须是数组")
    mids = []
    for m in mutations:
        mid = m.get("mid") if isinstance(m, dict) else None
        if isinstance(mid, bool) or not isinstance(mid, int) or mid < 1:
            raise PushError("每条操作都需要正整数 mid")
        if mids and mid <= mids[-1]:
            raise PushError("操作必须按 mid 严格递增排列")
        mids.append(mid)
    return mids


class _Batch:
    """One push in progress: the cases it touches, what it has decided, and what it will write."""

    def __init__(self, store: EngineStore, actor: Actor, top: int, now_ms: int, options: Options,
                 last_hlc: str) -> None:
        self.store, self.actor, self.now_ms, self.options = store, actor, now_ms, options
        self.logged_actor = actor.log_entry()
        self.created_at = iso(now_ms)
        self.seq = top
        self.last_hlc = hlc_mod.parse(last_hlc) if last_hlc else hlc_mod.ZERO
        self.cases: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.notes: set[tuple[str, str]] = set()
        self.photos: set[tuple[str, str]] = set()
        self.uploads: dict[str, dict[str, Any]] = {}
        self.dirty: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.new_notes: list[dict[str, Any]] = []
        self.new_photos: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.ledger: list[tuple[Any, ...]] = []
        self.counters: dict[str, int] = {}
        self._memo: dict[tuple[str, Any], Any] = {}

    # World: what the merge rules may ask.
    def case(self, case_id: str) -> dict[str, Any] | None:
        return self.cases.get(case_id)

    def track_token_taken(self, token: str) -> bool:
        return token in self.tokens

    def has_note(self, case_id: str, note_id: str) -> bool:
        return (case_id, note_id) in self.notes

    def has_photo(self, case_id: str, photo_id: str) -> bool:
        return (case_id, photo_id) in self.photos

    def uploaded(self, photo_id: str) -> dict[str, Any] | None:
        return self.uploads.get(photo_id)

    def _remember(self, key: tuple[str, Any], lookup: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = lookup(key[1])
        return self._memo[key]

    def site(self, code: str) -> dict[str, Any] | None:
        return self._remember(("site", code), self.store.active_site)

    def category(self, code: str) -> dict[str, Any] | None:
        return self._remember(("category", code), self.store.active_category)

    def team_exists(self, code: str) -> bool:
        return self._remember(("team", code), self.store.team_exists)

    def user_exists(self, user_id: int) -> bool:
        return self._remember(("user", user_id), self.store.user_exists)

    def next_number(self, day: str) -> int:
        if day not in self.counters:
            self.counters[day] = self.store.last_number(day)
        self.counters[day] += 1
        return self.counters[day]

    def prefetch(self, mutations: list[dict[str, Any]]) -> None:
        """Read every case, note and photo the batch names, in as few statements as possible."""
        ids, tokens, notes, photos, sites, categories = set(), set(), set(), set(), set(), set()
        named: set[str] = set()  # photos the batch refers to: are they there, and whose are they?
        for m in mutations:
            args = m.get("args")
            if not isinstance(args, dict):
                continue
            listed = args.get("photos")
            named.update(p for p in (listed if isinstance(listed, list) else [args.get("photo_id")])
                         if isinstance(p, str))
            ref = args.get("id")
            if not isinstance(ref, str):
                continue
            ids.add(ref)
            if isinstance(args.get("into"), str):
                ids.add(args["into"])
            name = m.get("name")
            if name == M.create:
                for key, found in (("track_token", tokens), ("site", sites), ("category", categories)):
                    if isinstance(args.get(key), str):
                        found.add(args[key])
            elif name == M.note and isinstance(args.get("note_id"), str):
                notes.add((ref, args["note_id"]))
            elif name == M.photo and isinstance(args.get("photo_id"), str):
                photos.add((ref, args["photo_id"]))
        for case in self.store.load_cases(sorted(ids), sorted(tokens)):
            self.cases[case["id"]] = case
            self.tokens.add(case["track_token"])
        self.notes, self.photos = self.store.existing_attachments(sorted(notes), sorted(photos))
        self.uploads = self.store.uploaded_photos(sorted(named))
        if sites or categories:
            day = local_day(self.now_ms)
            found_sites, found_categories, self.counters[day] = self.store.for_reports(
                sorted(sites), sorted(categories), day)
            self._memo.update({("site", code): found_sites.get(code) for code in sites})
            self._memo.update({("category", code): found_categories.get(code) for code in categories})

    def apply(self, m: dict[str, Any]) -> dict[str, Any]:
        """Decide one mutation and stage its events; returns its result for the client."""
        mid, name = m["mid"], m.get("name")
        try:
            try:
                stamp = hlc_mod.parse(m.get("hlc"))
            except hlc_mod.HlcError:
                raise Invalid(E.invalid_args, "时间戳格式不正确") from None
            stamp = hlc_mod.clamp(stamp, self.now_ms, self.options.max_drift_ms, self.last_hlc)
            self.last_hlc = max(self.last_hlc, stamp)
            args = validate(name, m.get("args"))
            outcome = decide(self, self.actor, name, args, stamp, self.now_ms, self.options.number_prefix,
                             floor_ms=self.last_hlc.ms)
        except Invalid as refused:
            self.ledger.append((self.actor.client_id, mid, _name(name), R.rejected, refused.code, None, None))
            return {"mid": mid, "status": R.rejected, "error": refused.code, "message": refused.message}
        first = self.seq + 1
        self._stage(outcome, args["id"], mid, str(stamp))
        span = (first, self.seq) if self.seq >= first else (None, None)
        self.ledger.append((self.actor.client_id, mid, name, outcome.result, None, *span))
        return {"mid": mid, "status": outcome.result}

    def _stage(self, outcome: Outcome, case_id: str, mid: int, stamp: str) -> None:
        for kind, payload in outcome.events:
            self.seq += 1
            event = {"seq": self.seq, "case_id": case_id, "type": kind, "actor": self.logged_actor,
                     "payload": payload, "hlc": stamp, "client_id": self.actor.client_id, "mid": mid,
                     "created_at": self.created_at}
            case = fold(self.cases.get(case_id), event)
            self.cases[case_id] = self.dirty[case_id] = case
            if kind == M.create:
                self.tokens.add(case["track_token"])
            notes, photos = attachments(event)
            self.new_notes.extend(notes)
            self.new_photos.extend(photos)
            self.notes.update((n["case_id"], n["note_id"]) for n in notes)
            self.photos.update((p["case_id"], p["photo_id"]) for p in photos)
            self.events.append(event)
            self.notices.append({"seq": self.seq, "type": kind, "case_id": case_id, "site": case["site"],
                                 "community": case["community"], "team": case["team"], "status": case["status"]})


def _name(name: Any) -> str:
    return name[:64] if isinstance(name, str) else "?"


async def apply_push(tx: EngineTx, actor: Actor, client_id: str, mutations: Any, now_ms: int,
                     options: Options = Options()) -> PushOutcome:
    """Apply a push ``{client_id, mutations}`` from ``actor`` at server time ``now_ms`` in the write transaction
    ``tx``. Raises :class:`PushError` (or its subclasses :class:`GapError`,
    :class:`ClientMismatch`) for a push refused as a whole; the caller must then roll back."""
    if not isinstance(client_id, str) or not TOKEN.fullmatch(client_id) or client_id != actor.client_id:
        raise PushError("client_id 必须是 32 位小写十六进制字符")
    mids = _mids(mutations)
    # All the push's reads and writes in one trip to the writer's thread, not one trip per statement.
    return await tx.engine(lambda store: _apply(store, actor, client_id, mutations, mids, now_ms, options))


async def apply_next(tx: EngineTx, actor: Actor, mutations: list[dict[str, Any]], now_ms: int,
                     options: Options = Options()) -> PushOutcome:
    """Apply ``mutations`` (``{name, args, hlc}``, no ``mid``) from a client that keeps no outbox of its own: an
    Open311 API key, the 12345 import. They are numbered after the client's watermark inside the caller's write
    transaction, so nothing else can take those numbers; otherwise this is :func:`apply_push`."""

    def run(store: EngineStore) -> PushOutcome:
        client, _ = store.client_and_top(actor.client_id)
        first = client["last_mid"] + 1 if client is not None else 1
        numbered = [{**m, "mid": first + i} for i, m in enumerate(mutations)]
        return _apply(store, actor, actor.client_id, numbered, [m["mid"] for m in numbered], now_ms, options)

    return await tx.engine(run)


def _apply(store: EngineStore, actor: Actor, client_id: str, mutations: list[dict[str, Any]],
           mids: list[int], now_ms: int, options: Options) -> PushOutcome:
    client, top = store.client_and_top(client_id)
    if client is None:
        client = {"client_id": client_id, "kind": _client_kind(actor), "last_mid": 0, "last_hlc": "",
                  "user_id": actor.user_id if actor.is_staff else None,
                  "site": actor.site if actor.kind == KIOSK else None}
    else:
        check_owner(actor, client)
    last_mid = client["last_mid"]
    results = [{"mid": mid, "status": R.duplicate} for mid in mids if mid <= last_mid]
    new = [m for m in mutations if m["mid"] > last_mid]
    if new and [m["mid"] for m in new] != list(range(last_mid + 1, last_mid + 1 + len(new))):
        raise GapError(last_mid + 1)
    batch = _Batch(store, actor, top, now_ms, options, client["last_hlc"])
    batch.prefetch(new)
    for m in new:
        results.append(batch.apply(m))
    client = {**client, "last_mid": last_mid + len(new), "last_hlc": str(batch.last_hlc) if new else client["last_hlc"]}
    store.save_batch(client=client, cases=batch.dirty.values(), events=batch.events,
                     notes=batch.new_notes, photos=batch.new_photos, mutations=batch.ledger,
                     counters=batch.counters)
    return PushOutcome(client["last_mid"], results, batch.seq, batch.events, batch.notices)
