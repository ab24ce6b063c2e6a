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
