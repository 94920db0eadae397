"""The lifecycle: every status, every mutation, and where each may lead."""
import pytest

from sync.lifecycle import FINAL, OPEN, is_rework, next_status
from sync.names import MUTATIONS, RATING, M, S, STATUSES

ALL = list(STATUSES)

EXPECTED = {  # (mutation, from) → to; anything not listed is stale
    (M.accept, S.submitted): S.accepted,
    (M.reject, S.submitted): S.rejected, (M.reject, S.accepted): S.rejected,
    (M.dispatch, S.accepted): S.dispatched, (M.dispatch, S.dispatched): S.dispatched,
    (M.start, S.dispatched): S.in_progress,
    (M.resolve, S.dispatched): S.resolved, (M.resolve, S.in_progress): S.resolved,
    (M.close, S.resolved): S.closed,
    (M.reopen, S.resolved): S.dispatched,
    (M.withdraw, S.submitted): S.withdrawn, (M.withdraw, S.accepted): S.withdrawn,
    (M.merge, S.submitted): S.duplicate, (M.merge, S.accepted): S.duplicate,
    (M.return_, S.dispatched): S.accepted, (M.return_, S.in_progress): S.accepted,
    (M.rate, S.resolved): S.closed,
    **{(M.extend, s): s for s in (S.accepted, S.dispatched, S.in_progress)},
    **{(m, s): s for m in (M.note, M.photo, M.transfer) for s in ALL},
    **{(M.set, s): s for s in (S.submitted, S.accepted, S.dispatched, S.in_progress)},
}


@pytest.mark.parametrize("name", [m for m in MUTATIONS if m != M.create])
@pytest.mark.parametrize("status", ALL)
def test_every_move(name: str, status: str) -> None:
    assert next_status(name, status, RATING.satisfied) == EXPECTED.get((name, status))


def test_ratings_close_or_send_back_for_rework() -> None:
    assert next_status(M.rate, S.resolved, RATING.basically) == S.closed
    assert next_status(M.rate, S.resolved, RATING.unsatisfied) == S.dispatched
    assert is_rework(M.rate, S.dispatched) and is_rework(M.reopen, S.dispatched)
    assert not is_rework(M.rate, S.closed) and not is_rework(M.dispatch, S.dispatched)


def test_final_statuses_are_left_only_by_in_place_mutations() -> None:
    for status in FINAL:
        for name in MUTATIONS:
            if name != M.create and next_status(name, status, RATING.unsatisfied) is not None:
                assert name in (M.note, M.photo, M.transfer)


def test_fields_change_only_before_the_work_is_done() -> None:
    assert OPEN == {S.submitted, S.accepted, S.dispatched, S.in_progress}
    assert all(next_status(M.set, s) is None for s in (*FINAL, S.resolved))
