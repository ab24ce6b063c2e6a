"""The program's one clock.

Every part of readr that needs the time (the store's stamps, "this week" in the CLI, the TUI's
"today") asks `clock`, so a test fixes time in one place and a running TUI follows the real
date. `READR_NOW` (an ISO date or date-time, local time) starts the process on a fixed clock:
the tests use it for readr run as a subprocess.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone


class Clock:
    """The system clock, or a fixed one when `fixed` is set (then `advance` moves it)."""

    def __init__(self, fixed: datetime | None = None):
        self._fixed = fixed

    def now(self) -> datetime:
        """Local time, naive, to the second."""
        if self._fixed is not None:
            return self._fixed
        return datetime.now().replace(microsecond=0)

    def now_utc(self) -> datetime:
        return self.now().astimezone(timezone.utc)

    def today(self) -> date:
        return self.now().date()

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="seconds")

    @property
    def is_fixed(self) -> bool:
        return self._fixed is not None

    def fix(self, when: datetime | date | None) -> None:
        """Stop the clock at `when` (a date means noon), or let it run again with None."""
        if when is not None and not isinstance(when, datetime):
            when = datetime.combine(when, datetime.min.time()).replace(hour=12)
        self._fixed = when.replace(microsecond=0, tzinfo=None) if when is not None else None

    def advance(self, delta: timedelta) -> None:
        if self._fixed is None:
            raise RuntimeError("only a fixed clock can be advanced")
        self._fixed = self._fixed + delta


def parse_fixed(text: str) -> datetime:
    """A READR_NOW value: YYYY-MM-DD or an ISO date-time (local time)."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"READR_NOW={text!r} is not an ISO date or date-time") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone().replace(tzinfo=None)
    if len(value) == 10:
        parsed = parsed.replace(hour=12)
    return parsed


def _from_environment() -> Clock:
    fixed = os.environ.get("READR_NOW")
    return Clock(parse_fixed(fixed) if fixed else None)


clock = _from_environment()
