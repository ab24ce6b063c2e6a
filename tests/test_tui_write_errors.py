"""A library the TUI cannot write, and work that fails in the background: every such failure is a
notice and the TUI keeps running (never a traceback, never a silently lost error).

Tests may run as root, where a chmod does not stop writes: the library is made read-only by
opening every connection of the Store with `PRAGMA query_only = ON`, so SQLite itself refuses each
write with "attempt to write a readonly database", as it does for a file the user cannot write.
"""

from __future__ import annotations

import sqlite3

import pytest

from readr.store import Store
from readr.store import connection as store_connection

pytest.importorskip("textual")

from readr.tui.screen import LibraryScreen  # noqa: E402
from readr.tui.editor import SummaryEditor  # noqa: E402
from tests.tui_support import app_for, demo_db, notifications, settle, wait_until  # noqa: F401,E402 (demo_db is a fixture)

PAPER = "0704.0175"  # on the to-read list


def make_read_only(monkeypatch) -> None:
    """From now on every connection a Store opens refuses writes, as a read-only file does."""
    configure = store_connection.configure

    def configure_read_only(conn: sqlite3.Connection) -> None:
        configure(conn)
        conn.execute("PRAGMA query_only = ON")

    monkeypatch.setattr(store_connection, "configure", configure_read_only)


@pytest.fixture
def read_only(demo_db, monkeypatch):
    """The demo library, read-only."""
    make_read_only(monkeypatch)
    return demo_db


def errors(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in notifications(app) if n.severity == "error"]


async def open_on(pilot, app, key: str) -> None:
    await settle(pilot, app)
    papers = app.library.papers
    papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
    await settle(pilot, app)


def test_the_read_only_fixture_makes_sqlite_refuse_writes(demo_db, read_only):
    with Store(demo_db) as lib:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            lib.set_summary(PAPER, "new")


async def test_saving_a_summary_in_a_read_only_library_is_a_notice_and_keeps_the_text(demo_db, read_only):
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_on(pilot, app, PAPER)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        await pilot.press(*" My **takeaway**.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: errors(app))
        assert app.is_running
        assert isinstance(app.screen, SummaryEditor), "the editor stays open with the reader's text"
        assert app.screen.text.endswith("My **takeaway**.")
        assert any("read-only" in e and "draft" in e for e in errors(app)), errors(app)
        assert app.screen.drafts.load(PAPER).endswith("My **takeaway**.")
        await pilot.press("ctrl+s")  # saving again: a notice again, still no crash
        await wait_until(pilot, lambda: len(errors(app)) >= 2)
        assert isinstance(app.screen, SummaryEditor)
        drafts = app.screen.drafts
        await pilot.press("escape")  # Esc after a refused save leaves: the draft has the text
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert drafts.load(PAPER).endswith("My **takeaway**.")
        assert any("kept as a draft" in n.message for n in notifications(app) if n.severity == "warning")
    with Store(demo_db) as lib:
        assert "takeaway" not in lib.get(PAPER).summary


async def test_saving_a_summary_in_a_library_sqlite_opened_read_only_is_a_notice(demo_db, monkeypatch):
    """The same with the library opened read-only by SQLite itself (mode=ro), as readr opens a
    library whose file or folder the user cannot write."""
    import functools

    from readr.tui import app as tui_app

    monkeypatch.setattr(tui_app, "Store", functools.partial(Store, read_only=True))
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_on(pilot, app, PAPER)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        await pilot.press(*" Read-only **takeaway**.", "escape")
        await wait_until(pilot, lambda: errors(app))
        assert app.is_running and isinstance(app.screen, SummaryEditor)
        assert any("read-only" in e for e in errors(app)), errors(app)


async def test_status_and_tag_in_a_read_only_library_are_notices(demo_db, read_only):
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_on(pilot, app, PAPER)
        await pilot.press("r")
        await wait_until(pilot, lambda: len(errors(app)) >= 1)
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"lizards", "enter")
        await wait_until(pilot, lambda: len(errors(app)) >= 2)
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        assert all("read-only" in e for e in errors(app)), errors(app)
        assert not app.library.undo_stack, "a refused change leaves nothing to undo"


async def test_an_undo_the_library_refuses_is_a_notice_and_can_be_tried_again(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_on(pilot, app, PAPER)
        await pilot.press("s")
        await wait_until(pilot, lambda: app.library.undo_stack)
        app.store.conn.execute("PRAGMA query_only = ON")  # the library became read-only meanwhile
        await pilot.press("u")
        await wait_until(pilot, lambda: errors(app))
        assert app.is_running
        assert any("read-only" in e for e in errors(app)), errors(app)
        assert len(app.library.undo_stack) == 1
        app.store.conn.execute("PRAGMA query_only = OFF")
        await pilot.press("u")
        await wait_until(pilot, lambda: not app.library.undo_stack)
        assert app.store.get(PAPER).status == "to-read"


async def test_adding_papers_in_a_read_only_library_is_a_notice(tmp_path, arxiv_server, monkeypatch):
    from readr.arxiv_api import ArxivClient
    from readr.config import Config
    from readr.tui import make_app
    from readr.tui.dialogs import AddDialog

    db = tmp_path / "lib.db"
    Store(db).close()
    make_read_only(monkeypatch)
    app = make_app(db, config=Config(), client_factory=lambda: ArxivClient(base_url=arxiv_server.url, delay=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddDialog))
        await pilot.press(*"0704.0001", "enter")
        await wait_until(pilot, lambda: app.screen.candidates)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: errors(app))
        assert app.is_running
        assert isinstance(app.screen, AddDialog), "the picks stay on screen to try again"
        assert any("read-only" in e for e in errors(app)), errors(app)


async def test_a_failing_background_worker_is_a_notice(demo_db, monkeypatch):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)

        def damaged(self, *args, **kwargs):
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(Store, "view_ids", damaged)
        await pilot.press("slash", *"graph")
        await wait_until(pilot, lambda: errors(app))
        assert app.is_running
        assert any("malformed" in e for e in errors(app)), errors(app)


async def test_with_neither_library_nor_draft_writable_esc_twice_leaves_the_editor(demo_db, read_only, monkeypatch):
    from readr.drafts import Drafts

    def refuse(self, key, text):
        raise PermissionError(13, "Permission denied", "drafts")

    monkeypatch.setattr(Drafts, "save", refuse)
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_on(pilot, app, PAPER)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        await pilot.press(*" Lost words.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: errors(app))
        assert isinstance(app.screen, SummaryEditor), "the first Esc keeps the text on screen"
        assert any("esc again closes the editor without it" in e for e in errors(app)), errors(app)
        await pilot.press(*" More.")  # typing again: the next Esc tries to save again, and stays
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(errors(app)) >= 2)
        assert isinstance(app.screen, SummaryEditor)
        await pilot.press("escape")  # the same text, nowhere to keep it: leave
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert any("Closed without saving" in n.message for n in notifications(app))
