"""The hybrid logical clock: its string form, ticking, receiving, and clamping a clock that runs ahead."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.hlc import MAX_COUNTER, Clock, Hlc, HlcError, clamp, parse

readings = st.builds(Hlc, st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER))


def test_format_is_fixed_width() -> None:
    assert str(Hlc(1795000000000, 3)) == "1795000000000-0003"
    assert str(Hlc(5, 0xABCD)) == "0000000000005-abcd"
    assert parse("1795000000000-00ff") == Hlc(1795000000000, 255)


@pytest.mark.parametrize("text", ["", "1795000000000", "1795000000000-003", "179500000000-0003",
                                  "1795000000000-000G", "1795000000000-00FF", " 1795000000000-0003", None, 17])
def test_malformed_readings_are_refused(text: object) -> None:
    with pytest.raises(HlcError):
        parse(text)


@given(readings, readings)
def test_strings_sort_as_readings_compare(a: Hlc, b: Hlc) -> None:
    assert parse(str(a)) == a
    assert (str(a) < str(b)) == (a < b)


@given(st.lists(st.integers(0, 2_000_000_000_000), min_size=1, max_size=50))
def test_tick_always_moves_forward_even_when_the_wall_clock_goes_back(times: list[int]) -> None:
    clock, last = Clock(), Hlc(0, 0)
    for now in times:
        reading = clock.tick(now)
        assert reading > last and reading.ms >= now
        last = reading


@given(readings, readings, st.integers(0, 10**13 - 2))
def test_receive_sorts_after_both_clocks(local: Hlc, remote: Hlc, now: int) -> None:
    if max(local.ms, remote.ms) >= 10**13 - 1:
        return
    clock = Clock(local)
    reading = clock.receive(remote, now)
    assert reading > local and reading > remote and reading.ms >= now


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = Clock(Hlc(1000, MAX_COUNTER))
    assert clock.tick(1000) == Hlc(1001, 0)


def test_a_reading_within_the_drift_is_kept() -> None:
    now = 1795000000000
    ahead = Hlc(now + 60_000, 7)
    assert clamp(ahead, now, 60_000, Hlc(0)) == ahead


def test_a_reading_too_far_ahead_becomes_the_servers_next_reading() -> None:
    now = 1795000000000
    clamped = clamp(Hlc(now + 3_600_000, 0), now, 60_000, Hlc(now - 5, 2))
    assert clamped == Hlc(now, 0)
    # Still after what the client sent before, so its own order of writes survives the clamp.
    earlier = Hlc(now + 30_000, 4)
    assert clamp(Hlc(now + 3_600_000, 0), now, 60_000, earlier) == Hlc(now + 30_000, 5)
