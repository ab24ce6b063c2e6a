"""Snapshot tests of the main screens at fixed sizes (pytest-textual-snapshot).

The program clock is fixed at one Wednesday and the sample library is built then, so the
screens are the same on every day. Update after an intended change with
`python -m pytest tests/test_tui_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from readr.config import Config
from readr.sample import build_sample_library

pytest.importorskip("pytest_textual_snapshot")

from readr.tui import make_app  # noqa: E402

NOW = datetime(2026, 11, 25, 10, 0, 0)


@pytest.fixture
def demo_app(tmp_path, clock):
    clock.fix(NOW)  # the screens show dates relative to today
    db = build_sample_library(tmp_path / "demo.db", now=NOW)
    app = make_app(db, demo=True, config=Config())
    app.cursor_blink = False  # the same frame whenever the screenshot is taken
    return app


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


def _then(*keys: str):
    async def run(pilot) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run


def test_library_80x24(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_then())


def test_library_wide_140x40(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(140, 40), run_before=_then())


def test_read_view_grouped_by_week(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=_then("5"))


def test_search_narrows(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=_then("slash", *"graph", "escape"))


def test_hostile_title_detail(demo_app, snap_compare):
    async def run(pilot) -> None:
        await _settle(pilot)
        library = pilot.app.library
        papers = library.papers
        papers.move_cursor(list(papers.entries).index(pilot.app.store.get("0704.0051").id))
        await _settle(pilot)

    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run)


def test_help_screen(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=_then("question_mark"))


def test_summary_editor(demo_app, snap_compare):
    async def run(pilot) -> None:
        await _settle(pilot)
        library = pilot.app.library
        papers = library.papers
        papers.move_cursor(list(papers.entries).index(pilot.app.store.get("0704.0191").id))
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 30), run_before=run)


def test_digest_preview(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=_then("p"))


def test_light_theme(tmp_path, clock, snap_compare):
    clock.fix(NOW)
    db = build_sample_library(tmp_path / "demo.db", now=NOW)
    app = make_app(db, demo=True, config=Config(theme="textual-light"))
    app.cursor_blink = False
    assert snap_compare(app, terminal_size=(80, 24), run_before=_then())


async def test_snapshot_apps_do_not_blink(demo_app):
    """A blinking cursor is drawn in one frame and not the next: the snapshot app keeps it still."""
    from textual.widgets import Input, TextArea

    async with demo_app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        assert demo_app.screen.query_one("#search", Input).cursor_blink is False
        await pilot.press("escape", "e")
        await _settle(pilot)
        assert demo_app.screen.query_one(TextArea).cursor_blink is False
