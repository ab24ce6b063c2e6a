"""Pilot tests of the TUI's rough edges a new user hit: the cursor after clearing a search, the
digest preview's week and date jumps, the help screen, select-all, the date column's label, the
theme and the keymap checks."""

from __future__ import annotations

import pytest

from readr.store import Store

pytest.importorskip("textual")

from readr.tui.app import LibraryScreen  # noqa: E402
from tests.test_tui_flows import _bulk_library  # noqa: E402
from tests.tui_support import app_for, demo_db, settle  # noqa: E402,F401 (demo_db is a fixture)


def library(app) -> LibraryScreen:
    return app.library


def key_under_cursor(app) -> str:
    papers = library(app).papers
    return app.store.keys_for([papers.current_id])[0]


# --- clearing a search keeps the paper ----------------------------------------------------------


async def test_clearing_a_search_keeps_the_cursor_on_the_selected_paper(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"cosmology", "escape")
        await settle(pilot, app)
        papers = library(app).papers
        assert papers.paper_count >= 3
        await pilot.press("j", "j")
        chosen = key_under_cursor(app)
        await pilot.press("escape")  # in the list: clears the search
        await settle(pilot, app)
        assert library(app).search_text == ""
        assert papers.paper_count > 3, "the whole view is back"
        assert key_under_cursor(app) == chosen
        assert papers.cursor > 0


async def test_clearing_a_search_finds_the_paper_past_the_first_page(tmp_path):
    db = tmp_path / "big.db"
    _bulk_library(db, 1500)
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"graphs", "escape")
        await settle(pilot, app)
        papers = library(app).papers
        await pilot.press("G")  # the last match: far down the whole list
        chosen = key_under_cursor(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert papers.paper_count == 1500
        assert key_under_cursor(app) == chosen
        assert papers.cursor > 300, "the paper lies past the first page the list shows at once"
