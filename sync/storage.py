"""What the sync engine needs from storage, and nothing else: ``server.storage`` provides it for SQLite and for
PostgreSQL (``server/storage/engine.py``); ``sync/`` never imports the server.

- :class:`EngineTx`: an open write transaction, alone on the database (no other writer, in any process, until it
  ends), that runs the engine's work on the writer's own thread in one trip.
- :class:`EngineStore`: the engine's reads and writes inside that transaction, as plain synchronous calls.
- :class:`SyncReads`: what a pull reads, on a reader; each call sees one committed snapshot.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol, Sequence, TypeVar

T = TypeVar("T")


class EngineStore(Protocol):
    def client_and_top(self, client_id: str) -> tuple[dict[str, Any] | None, int]:
        """The client's row (None if it never pushed) and the highest ``seq`` ever given to an event."""

    def load_cases(self, ids: Sequence[str], tokens: Sequence[str]) -> list[dict[str, Any]]:
        """The cases (fold dicts) with any of these ids or track tokens."""

    def existing_attachments(self, notes: Sequence[tuple[str, str]], photos: Sequence[tuple[str, str]]
                             ) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """Which of these (case_id, note_id) and (case_id, photo_id) pairs are already in the sets."""

    def uploaded_photos(self, photo_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Who uploaded each of these photos that exists: ``{id: {"client_id", "user_id"}}``."""

    def for_reports(self, sites: Sequence[str], categories: Sequence[str], day: str
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], int]:
        """The active sites and categories among these codes, and the last case number of local ``day``."""

    def active_site(self, code: str) -> dict[str, Any] | None: ...

    def active_category(self, code: str) -> dict[str, Any] | None: ...

    def team_exists(self, code: str) -> bool: ...

    def user_exists(self, user_id: int) -> bool: ...

    def last_number(self, day: str) -> int:
        """The last case number given out on local ``day`` (0 if none)."""

    def save_batch(self, *, client: dict[str, Any], cases: Iterable[dict[str, Any]],
                   events: Sequence[dict[str, Any]], notes: Sequence[dict[str, Any]],
                   photos: Sequence[dict[str, Any]], mutations: Sequence[tuple[Any, ...]],
                   counters: dict[str, int]) -> None:
        """Write what one push decided: the client's watermark, cases, events, notes, photos, the ledger."""


class EngineTx(Protocol):
    async def engine(self, work: Callable[[EngineStore], T]) -> T:
        """Run ``work(store)`` on the writer's thread inside this transaction; return or raise what it does."""


class SyncReads(Protocol):
    async def changes(self, scope: dict[str, Any], cursor: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Up to ``limit`` events after ``cursor`` on cases in ``scope``, in seq order, and the log's top seq,
        read in one snapshot."""

    async def cases_with_sets(self, ids: Sequence[str], scope: dict[str, Any]
                              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """The cases with these ids still in ``scope``, and their notes and photos in (hlc, client_id) order."""

    async def client(self, client_id: str) -> dict[str, Any] | None:
        """A registered client's row (kind, last_mid, user_id, site); None if it never pushed."""
