"""One way to write a date and one way to read what people type."""

from __future__ import annotations

import datetime as dt

import pytest

from sferum_onboard.dates import date_text, moment_text, parse_at, parse_day, parse_moment
from sferum_onboard.errors import DataError

TODAY = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 10, 1, 15, 30)


@pytest.mark.parametrize("text, day", [
    ("2026-09-10", dt.date(2026, 9, 10)), ("10.09.2026", dt.date(2026, 9, 10)), ("10.09.26", dt.date(2026, 9, 10)),
    ("1/9/2026", dt.date(2026, 9, 1)), ("12-09", dt.date(2026, 9, 12)), ("28.12", dt.date(2025, 12, 28)),
    ("31.02.2026", None), ("вчера", None), ("10.09.202", None), ("", None),
])
def test_days(text, day):
    assert parse_day(text, TODAY) == day


def test_moments_and_what_is_shown():
    assert parse_moment("2026-09-10T18:30", TODAY) == (dt.date(2026, 9, 10), dt.time(18, 30))
    assert parse_moment("10.09.2026  18:30:05", TODAY) == (dt.date(2026, 9, 10), dt.time(18, 30, 5))
    assert parse_moment("10.09.2026 25:00", TODAY) is None
    assert parse_at("2026-09-10 18:30", NOW) == dt.datetime(2026, 9, 10, 18, 30)
    assert parse_at("10.09.2026", NOW) == dt.datetime(2026, 9, 10)
    assert parse_at("01.10.2026", NOW) == NOW  # today means now
    with pytest.raises(DataError, match="ещё не наступила"):
        parse_at("2026-10-02", NOW)
    assert moment_text(dt.datetime(2026, 9, 10)) == "10.09.2026"
    assert moment_text(dt.datetime(2026, 9, 10, 18, 30)) == "10.09.2026 18:30"
    assert date_text(None) == "—" and date_text(dt.date(2026, 9, 1)) == "01.09.2026"
