"""Dates as a Russian school writes them: one display format, one parser for what people type.

Shown: «10.09.2026», with the time «10.09.2026 18:30». Read: what a user
types after --at or a class leader writes in a sheet cell: «2026-09-10»,
«10.09.2026», «10.09.26», «10/09/2026», «10.09» (the latest such day not
after today), each with an optional time «18:30».
"""

from __future__ import annotations

import datetime as dt
import re

from sferum_onboard.errors import DataError
from sferum_onboard.messages import TRACKING

DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = f"{DATE_FORMAT} %H:%M"
EXCEL_DATE_FORMAT = "DD.MM.YYYY"  # DATE_FORMAT as a spreadsheet's number format

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?")
_TIME = re.compile(r"(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?")


def now() -> dt.datetime:
    """Local wall-clock time to the second: the school's own clock is what people read."""
    return dt.datetime.now().replace(microsecond=0)


def date_text(day: dt.date | None) -> str:
    """«10.09.2026»; «—» when there is no date."""
    return day.strftime(DATE_FORMAT) if day else "—"


def moment_text(moment: dt.datetime | None) -> str:
    """«10.09.2026 18:30»; a time of exactly midnight means a date was given, so it is left out."""
    if moment is None:
        return ""
    return moment.strftime(DATE_FORMAT if moment.time() == dt.time(0, 0) else DATETIME_FORMAT)


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """The day `text` names, or None when it is not a date (nor a real day: «31.02.2026»)."""
    text = text.strip()
    try:
        match = _ISO.fullmatch(text)
        if match:
            return dt.date(*map(int, match.groups()))
        match = _DAY_FIRST.fullmatch(text)
        if match is None:
            return None
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if year:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        # «12.09»: the latest such day not after today (a sheet lives within one school year)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate <= today else dt.date(today.year - 1, month, day)
    except ValueError:
        return None


def parse_moment(text: str, today: dt.date) -> tuple[dt.date, dt.time | None] | None:
    """(day, time or None) of «10.09.2026», «2026-09-10 18:30», «2026-09-10T18:30:05»; None otherwise."""
    text = " ".join(text.split())
    time = None
    match = _TIME.search(text)
    if match and match.end() == len(text):
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        time, text = dt.time(hour, minute, second), text[:match.start()]
    day = parse_day(text, today)
    return None if day is None else (day, time)


def parse_at(text: str | None, current: dt.datetime | None = None) -> dt.datetime | None:
    """When something happened, as typed after --at or --as-of: a date or a date and time.

    Today's date means now (so that a mark made now orders after today's
    earlier events); a bare past date means the start of that day. A moment
    in the future is refused.
    """
    if text is None:
        return None
    current = current or now()
    found = parse_moment(text, current.date())
    if found is None:
        raise DataError(TRACKING["at-invalid"].format(value=text))
    day, time = found
    if time is not None:
        moment = dt.datetime.combine(day, time)
    else:
        moment = current if day == current.date() else dt.datetime.combine(day, dt.time())
    if moment > current + dt.timedelta(minutes=5):
        raise DataError(TRACKING["at-future"].format(value=text))
    return moment
