"""The case lifecycle: which mutation moves a case from which statuses to which.

submitted → accepted → dispatched → in_progress → resolved → closed, with the side paths of DESIGN: rejected,
withdrawn, duplicate, 退回 (back to accepted) and 返工 (an unsatisfied rating or a staff reopen: back to
dispatched, counted as rework). A mutation that names a move the case can no longer make (someone moved it
first) is *stale*: the engine records it as a conflict event and leaves the status alone.

Mutations that do not move the status:
- ``case.note`` and ``case.photo`` are accepted in every status, closed ones included: notes and photos are
  append-only sets, and only merge the same way in any order if no status can refuse them. ``case.transfer`` (the
  hotline's 转办) is a record of what the hotline did, which our status cannot refuse either.
- ``case.set`` writes a field in the statuses that ``sync.rights.FIELD_RIGHTS`` gives it; after those it is
  stale, like a move the case can no longer make (a closed case's category never changes).
- ``case.extend`` moves the resolution deadline, so it only makes sense while the resolution clock runs
  (accepted, dispatched, in progress); elsewhere it is stale.
"""
from __future__ import annotations

from sync.names import RATING, M, S

# name → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    M.accept: (frozenset({S.submitted}), S.accepted),
    M.reject: (frozenset({S.submitted, S.accepted}), S.rejected),
    M.dispatch: (frozenset({S.accepted, S.dispatched}), S.dispatched),
    M.start: (frozenset({S.dispatched}), S.in_progress),
    M.resolve: (frozenset({S.dispatched, S.in_progress}), S.resolved),
    M.close: (frozenset({S.resolved}), S.closed),
    M.reopen: (frozenset({S.resolved}), S.dispatched),
    M.withdraw: (frozenset({S.submitted, S.accepted}), S.withdrawn),
    M.merge: (frozenset({S.submitted, S.accepted}), S.duplicate),
    M.return_: (frozenset({S.dispatched, S.in_progress}), S.accepted),
    M.rate: (frozenset({S.resolved}), S.closed),  # an unsatisfied rating leads to dispatched instead: see next_status
}

# Mutations that leave the status alone, with the statuses that still accept them.
RUNNING = frozenset({S.accepted, S.dispatched, S.in_progress})
# Before the work is done: the statuses in which a case's fields may still change.
OPEN = frozenset({S.submitted, *RUNNING})
IN_PLACE: dict[str, frozenset[str]] = {
    M.note: frozenset(S.__dict__.values()),
    M.photo: frozenset(S.__dict__.values()),
    M.set: OPEN,
    M.transfer: frozenset(S.__dict__.values()),
    M.extend: RUNNING,
}

# Statuses a case never leaves.
FINAL = frozenset({S.closed, S.rejected, S.duplicate, S.withdrawn})

# Moves that count as rework (返工): the resolution did not hold.
REWORK = frozenset({M.reopen, M.rate})


def next_status(name: str, status: str, rating: str | None = None) -> str | None:
    """The status ``name`` leads to from ``status`` (``status`` itself for an in-place mutation), None if stale."""
    if name in IN_PLACE:
        return status if status in IN_PLACE[name] else None
    sources, target = TRANSITIONS[name]
    if status not in sources:
        return None
    if name == M.rate and rating == RATING.unsatisfied:
        return S.dispatched
    return target


def is_rework(name: str, status_to: str) -> bool:
    """Whether a move reopens a resolved case (an unsatisfied rating or a staff reopen)."""
    return name in REWORK and status_to == S.dispatched
