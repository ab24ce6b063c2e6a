"""Fixing a paper's title, authors and year: `Store.edit_metadata` and the TUI's details dialog (m),
its palette entry, undo, untrusted text and a library that refuses the write."""

from __future__ import annotations

import pytest

from readr.config import Config
from readr.errors import ReadrError
from readr.store import Store

pytest.importorskip("textual")

from readr.tui import make_app  # noqa: E402
from readr.tui.app import LibraryScreen  # noqa: E402
from readr.tui.commands import palette_commands  # noqa: E402
from readr.tui.metadata import MetadataDialog  # noqa: E402
from tests.tui_support import first_palette_hit, notifications, settle, wait_until  # noqa: E402

CUT = "Teaching Writing with Real-World Expository W"
HOSTILE = "Robust [bold]markup[/bold] \\[x] [@click=app.quit]q[/]"


@pytest.fixture
def pdf_paper(tmp_path):
    """A library with one paper whose title was cut mid-word (as taken from a PDF)."""
    db = tmp_path / "lib.db"
    with Store(db) as lib:
        paper, _ = lib.add_web("https://example.org/expository.pdf", CUT)
        lib.set_status([paper.key], "to-read")
        key = paper.key
    return db, key


# --- the store ---------------------------------------------------------------------------------


def test_edit_metadata_changes_only_the_given_fields(pdf_paper):
    db, key = pdf_paper
    with Store(db) as lib:
        lib.edit_metadata(key, title="  Teaching Writing with   Real-World Expository Writing ")
        paper = lib.edit_metadata(key, authors=["Smith, J.", " ", "Ada Lovelace"], year=2019)
        assert paper.title == "Teaching Writing with Real-World Expository Writing"
        assert paper.authors == ["Smith, J.", "Ada Lovelace"]
        assert paper.published.startswith("2019")
        assert [h.paper.key for h in lib.search("expository writing")] == [key]
        assert [h.paper.key for h in lib.search("lovelace")] == [key]
        for bad in ({"title": "  "}, {"year": 99}):
            with pytest.raises(ReadrError):
                lib.edit_metadata(key, **bad)
        assert lib.get(key).title == paper.title


# --- the dialog --------------------------------------------------------------------------------


def app_on(db):
    return make_app(db, config=Config(autosave_seconds=0.2))


def detail_title(app) -> str:
    return str(app.library.query_one("#detail-title").render())


async def open_dialog(pilot, app) -> MetadataDialog:
    await settle(pilot, app)
    await pilot.press("m")
    await wait_until(pilot, lambda: isinstance(app.screen, MetadataDialog) and app.screen.query("#metadata-title"))
    return app.screen


async def test_the_details_dialog_fixes_title_authors_and_year_and_u_undoes(pdf_paper):
    db, key = pdf_paper
    app = app_on(db)
    async with app.run_test(size=(120, 30)) as pilot:
        dialog = await open_dialog(pilot, app)
        assert dialog.query_one("#metadata-title").value == CUT
        await pilot.press(*"riting", "tab", *"Jane Doe; Smith, J.", "tab", *"2021", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        paper = app.store.get(key)
        assert paper.title == CUT + "riting"
        assert paper.authors == ["Jane Doe", "Smith, J."]
        assert paper.published.startswith("2021")
        await wait_until(pilot, lambda: "Expository Writing" in detail_title(app))
        await pilot.press("u")
        await wait_until(pilot, lambda: app.store.get(key).title == CUT)
        assert app.store.get(key).authors == [] and app.store.get(key).published is None


async def test_a_year_that_is_not_a_number_keeps_the_dialog_open(pdf_paper):
    db, key = pdf_paper
    app = app_on(db)
    async with app.run_test(size=(120, 30)) as pilot:
        dialog = await open_dialog(pilot, app)
        await pilot.press("tab", "tab", *"20x1", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "must be a number" in str(dialog.query_one("#metadata-hint").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert app.store.get(key).published is None


async def test_markup_in_a_title_is_edited_as_text(pdf_paper):
    db, key = pdf_paper
    with Store(db) as lib:
        lib.edit_metadata(key, title=HOSTILE, authors=["[red]Eve[/red]"])
    app = app_on(db)
    async with app.run_test(size=(120, 30)) as pilot:
        dialog = await open_dialog(pilot, app)
        assert dialog.query_one("#metadata-title").value == HOSTILE
        assert dialog.query_one("#metadata-authors").value == "[red]Eve[/red]"
        await pilot.press("end", *" [/]", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert app.is_running
        assert app.store.get(key).title == HOSTILE + " [/]"
        assert app.store.get(key).authors == ["[red]Eve[/red]"]


async def test_details_refused_by_the_library_are_a_notice_and_the_dialog_stays(pdf_paper):
    db, key = pdf_paper
    app = app_on(db)
    async with app.run_test(size=(120, 30)) as pilot:
        dialog = await open_dialog(pilot, app)
        app.store.conn.execute("PRAGMA query_only = ON")  # the library became read-only
        await pilot.press(*"riting", "enter")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in notifications(app)))
        assert app.screen is dialog and app.is_running
        assert not app.library.undo_stack
        assert any("read-only" in n.message for n in notifications(app))


async def test_the_palette_offers_the_details_dialog(pdf_paper):
    db, _ = pdf_paper
    app = app_on(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        commands = {name: help_text for name, help_text, _ in palette_commands(app)}
        assert commands["Fix the title, authors or year"] == "key: m"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Fix the title")
        # The palette searches in the background.
        await wait_until(pilot, lambda: first_palette_hit(app) == "Fix the title, authors or year")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MetadataDialog))
