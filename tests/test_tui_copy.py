"""Copying a paper's citation key, BibTeX entry, link or digest line (y, then k/b/l/d, or the
palette), and the citation key in the detail pane. What was copied is read back from
App.clipboard, the text App.copy_to_clipboard was given."""

from __future__ import annotations

import bibtexparser
import pytest

pytest.importorskip("textual")

from readr.bibtex import import_files  # noqa: E402
from readr.store import Store  # noqa: E402
from tests.tui_support import (  # noqa: E402,F401 (demo_db is a fixture)
    app_for, demo_db, first_palette_hit, notifications, screen_lines, settle, wait_until,
)


async def _at(pilot, app, key: str) -> None:
    papers = app.library.papers
    papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
    await settle(pilot, app)


def _detail_text(app) -> str:
    return "\n".join(screen_lines(app, "#detail-publication"))


async def test_y_opens_the_chooser_and_each_key_copies_its_text(demo_db):
    with Store(demo_db) as lib:
        paper = lib.list_papers(statuses=["read"])[0]
    app = app_for(demo_db)
    copied: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        real_copy = app.copy_to_clipboard
        app.copy_to_clipboard = lambda text: (copied.append(text), real_copy(text))  # type: ignore[method-assign]
        await settle(pilot, app)
        await _at(pilot, app, paper.key)
        await pilot.press("y")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CopyChooser")
        await pilot.press("k")
        await settle(pilot, app)
        key = app.store.cite_keys()[paper.key]  # kept once copied
        assert copied == [key] and app.clipboard == key
        assert f"cite as {key}" in " ".join(_detail_text(app).split())

        await pilot.press("y", "b")
        await settle(pilot, app)
        (entry,) = bibtexparser.parse_string(app.clipboard).entries
        assert entry.key == key and {f.key: f.value for f in entry.fields}["eprint"] == paper.arxiv_id

        await pilot.press("y", "l")
        await settle(pilot, app)
        assert app.clipboard == paper.link

        await pilot.press("y", "d")
        await settle(pilot, app)
        assert app.clipboard.startswith("[") and paper.link in app.clipboard and paper.summary[:30] in app.clipboard
        assert len(copied) == 4

        await pilot.press("y", "escape")
        await settle(pilot, app)
        assert len(copied) == 4 and type(app.screen).__name__ != "CopyChooser"


async def test_an_imported_entry_is_copied_as_imported_and_the_palette_copies_too(demo_db, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{Obro:2020, author = {{\\O}bro, Jens}, title = {Copying Entries Faithfully},"
                   " booktitle = {Proc. Things}, pages = {1--2}, year = 2020}\n", encoding="utf-8")
    with Store(demo_db) as lib:
        import_files(lib, [bib])
        key = next(p.key for p in lib.list_papers() if p.title == "Copying Entries Faithfully")
    app = app_for(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await _at(pilot, app, key)
        assert "cite as Obro:2020" in " ".join(_detail_text(app).split())
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"copy the bibtex")
        await wait_until(pilot, lambda: first_palette_hit(app) == "Copy the BibTeX entry")
        await pilot.press("enter")
        await settle(pilot, app)
        (entry,) = bibtexparser.parse_string(app.clipboard).entries
        fields = {f.key: f.value for f in entry.fields}
        assert (entry.entry_type, entry.key, fields["booktitle"], fields["pages"]) == (
            "inproceedings", "Obro:2020", "Proc. Things", "1--2",
        )


async def test_a_paper_without_a_link_copies_nothing_and_says_so(demo_db, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{nolink, title = {A Book Without Any Link}, year = 1999}\n", encoding="utf-8")
    with Store(demo_db) as lib:
        import_files(lib, [bib])
        key = next(p.key for p in lib.list_papers() if p.title == "A Book Without Any Link")
    app = app_for(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await _at(pilot, app, key)
        app.copy_to_clipboard("before")
        await pilot.press("y", "l")
        await settle(pilot, app)
        assert app.clipboard == "before"
        assert any("no link to copy" in str(n.message) for n in notifications(app))
