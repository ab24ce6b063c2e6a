"""Reading weeks: a week runs from the configured start day (Monday by default) for seven days
and is labelled by its last day (the Sunday, by default)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .clock import clock
from .errors import QueryError

DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_date(text: str) -> date:
    """Parse YYYY-MM-DD (also YYYY-M-D), 'today' or 'yesterday'."""
    value = text.strip().lower()
    if value == "today":
        return clock.today()
    if value == "yesterday":
        return clock.today() - timedelta(days=1)
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError as exc:
            raise QueryError(f"{text!r} is not a valid date: {exc}") from None
    raise QueryError(f"{text!r} is not a date; use YYYY-MM-DD")


THIS = ("", "this", "now", "current")
LAST = ("last", "previous", "prev")
WHEN_HELP = "this, last, today, yesterday or a date (YYYY-MM-DD)"


def week_of(text: str | None, week_start: int = 0, today: date | None = None) -> tuple[date, date]:
    """The week a reader names, as every command and `week:` in search take it: this (or
    nothing), last, today, yesterday, or any date in it. First and last day, inclusive."""
    key = (text or "").strip().lower()
    base = today or clock.today()
    if key in THIS:
        day = base
    elif key in LAST:
        day = base - timedelta(days=7)
    else:
        day = _day(text, base, "week")
    return week_bounds(day, week_start)


def month_of(text: str | None, today: date | None = None) -> tuple[int, int]:
    """The month a reader names: this (or nothing), last, YYYY-MM (also YYYY-M), or today,
    yesterday or any date in it. (year, month)."""
    key = (text or "").strip().lower()
    base = today or clock.today()
    if key in THIS:
        return base.year, base.month
    if key in LAST:
        return (base.year, base.month - 1) if base.month > 1 else (base.year - 1, 12)
    parts = key.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise QueryError(f"{text!r} is not a month: there is no month {month}")
        return year, month
    day = _day(text, base, "month", "YYYY-MM, ")
    return day.year, day.month


def month_bounds(year: int, month: int, start: int = 0) -> tuple[date, date]:
    """First and last day (inclusive) of a month as the digest counts it: the weeks that end in it."""
    try:
        first_label = week_label(date(year, month, 1), start)
    except ValueError as exc:
        raise QueryError(f"{year}-{month} is not a month: {exc}") from None
    last_label = first_label
    while (last_label + timedelta(days=7)).month == month:
        last_label += timedelta(days=7)
    return first_label - timedelta(days=6), last_label


def _day(text: str | None, today: date, what: str, more: str = "") -> date:
    key = (text or "").strip().lower()
    if key in ("today", "yesterday"):
        return today - timedelta(days=1 if key == "yesterday" else 0)
    try:
        return parse_date(text or "")
    except QueryError as exc:
        if "not a valid date" in str(exc):
            raise
        raise QueryError(f"{text!r} is not a {what}: use {more}{WHEN_HELP}") from None


def week_start_index(name: str | int | None) -> int:
    """0 for Monday ... 6 for Sunday; accepts a day name or an index."""
    if name is None:
        return 0
    if isinstance(name, int):
        return name % 7
    key = name.strip().lower()
    for index, day in enumerate(DAY_NAMES):
        if day.startswith(key[:3]) and len(key) >= 3:
            return index
    raise QueryError(f"{name!r} is not a day of the week")


def week_bounds(day: date, start: int = 0) -> tuple[date, date]:
    """First and last day (inclusive) of the week that contains `day`."""
    offset = (day.weekday() - start) % 7
    first = day - timedelta(days=offset)
    return first, first + timedelta(days=6)


def week_label(day: date, start: int = 0) -> date:
    """The date a week is labelled by: its last day."""
    return week_bounds(day, start)[1]


def as_date(value: str | date | datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(value[:10])
