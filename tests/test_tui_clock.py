"""The TUI and the store share the program's one clock: a TUI left open across midnight into a
new week moves "this week" with the date, and what it writes is stamped on the same day."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from readr.sample import build_sample_library
from readr.weeks import week_bounds

pytest.importorskip("textual")

from readr.tui.digest_preview import DigestPreview  # noqa: E402
from tests.tui_support import app_for, settle  # noqa: E402


async def wait_for(pilot, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        await pilot.pause(0.05)


def week_headings(app) -> list[str]:
    return list(app.library.papers.header_titles.values())


async def test_open_tui_follows_the_date_into_a_new_week(tmp_path, clock):
    # Sunday evening, two minutes before the week ends (weeks start on Monday by default).
    sunday = week_bounds(clock.today())[1]
    clock.fix(datetime.combine(sunday, datetime.min.time()) + timedelta(hours=23, minutes=58))
    db = build_sample_library(tmp_path / "demo.db", now=clock.now())
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")  # Read, by week
        await settle(pilot, app)
        assert "this week" in week_headings(app)[0]

        clock.advance(timedelta(minutes=5))  # Monday 00:03: a new week
        await wait_for(pilot, lambda: "last week" in week_headings(app)[0])
        assert not any("this week" in title for title in week_headings(app))

        # A paper marked read now lands in the new week, and the preview opens on that week.
        await pilot.press("1")
        await settle(pilot, app)
        key = app.library.current_paper().key
        await pilot.press("r")
        await settle(pilot, app)
        assert app.store.get(key).read_at.startswith(clock.today().isoformat())
        await pilot.press("5")
        await settle(pilot, app)
        assert "this week" in week_headings(app)[0] and "1 paper" in week_headings(app)[0]
        app.store.set_summary(key, "Read after midnight. **It counts for the new week.**")
        await pilot.press("p")
        await settle(pilot, app)
        assert isinstance(app.screen, DigestPreview)
        label = week_bounds(clock.today())[1]
        assert app.screen.markdown.startswith(f"### {label.year}-{label.month}-{label.day}:\n")
        assert app.store.get(key).title in app.screen.markdown
