"""Times, local days, case numbers and deadlines in working days."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.dates import add_working_days, case_number, iso, local_day, parse_until, resolution_due, response_due


def test_iso_is_fixed_width_utc() -> None:
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert iso(1_795_000_000_123) == "2026-11-18T11:06:40.123Z"


@given(st.integers(0, 253_402_300_799_999))
def test_iso_agrees_with_datetime(ms: int) -> None:
    expected = datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    assert iso(ms) == expected


def test_the_day_of_a_case_number_is_the_beijing_date() -> None:
    late_utc = 1_795_713_600_000  # 2026-11-26T17:20Z is 27 November, 01:20 in Beijing
    assert local_day(late_utc) == "20261127"
    assert case_number("BL", "20261127", 42) == "BL20261127-0042"
    assert case_number("BL", "20261127", 12345) == "BL20261127-12345"


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 60))
def test_working_days_skip_weekends(start: date, days: int) -> None:
    day, left = start, days
    while left > 0:  # the obvious definition, one day at a time
        day += timedelta(days=1)
        left -= day.weekday() < 5
    assert add_working_days(start, days) == day


def test_deadlines() -> None:
    created = 1_795_000_000_000  # Wednesday 2026-11-18, 19:06:40 in Beijing
    assert response_due(created, 10) == "2026-11-18T11:16:40.000Z"
    assert resolution_due(created, 2) == "2026-11-20T11:06:40.000Z"  # Friday
    assert resolution_due(created, 3) == "2026-11-23T11:06:40.000Z"  # over the weekend: Monday


def test_an_extension_is_a_date_or_a_time_with_its_offset() -> None:
    assert parse_until("2026-12-01") == "2026-12-01T15:59:59.999Z"  # the end of that day in Beijing
    assert parse_until("2026-12-01T10:00:00+08:00") == "2026-12-01T02:00:00.000Z"
    for bad in ("2026-12-01T10:00:00", "next week", "2026-13-01"):
        with pytest.raises(ValueError):
            parse_until(bad)
