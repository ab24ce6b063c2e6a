"""Pilot tests of every TUI flow: views, search, add, edit + autosave, tag, triage, status, undo,
digest preview, remapped keys, untrusted text. They drive the real app on a real library."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from readr.clock import clock
from readr.config import Config
from readr.errors import ReadrError
from readr.store import Store

pytest.importorskip("textual")

from readr.tui import make_app  # noqa: E402
from readr.tui.messages import ViewLoaded  # noqa: E402
from readr.tui.screen import LibraryScreen  # noqa: E402
from readr.tui.paper_list import PaperList  # noqa: E402
from tests.tui_support import (  # noqa: F401 (demo_db is a fixture)
    app_for, demo_db, first_palette_hit, notifications, screen_lines, settle, wait_until,
)

HOSTILE = "0704.0051"


def screen(app) -> LibraryScreen:
    return app.library


def listed_keys(app) -> list[str]:
    papers = screen(app).papers
    ids = [i for i in papers.entries if i >= 0]
    return app.store.keys_for(ids)


def line_text(papers: PaperList, index: int) -> str:
    papers.scroll_to(y=max(0, index - 2), animate=False, immediate=True)
    y = index - int(papers.scroll_offset.y)
    return "".join(segment.text for segment in papers.render_line(y))


def editing(app) -> bool:
    from readr.tui.editor import SummaryEditor

    return isinstance(app.screen, SummaryEditor) and bool(app.screen.query("#editor-text"))


async def move_to(pilot, app, key: str) -> None:
    papers = screen(app).papers
    paper_id = app.store.get(key).id
    papers.move_cursor(list(papers.entries).index(paper_id))
    await settle(pilot, app)


# --- views -------------------------------------------------------------------------------------


async def test_opens_on_all_newest_first_without_dismissed_or_catalogue(demo_db):
    with Store(demo_db) as lib:
        lib.set_status(["0704.0001"], "dismissed")
        expected = [p.key for p in lib.list_papers(statuses=["inbox", "to-read", "reading", "read"])]
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert listed_keys(app) == expected
        assert "0704.0001" not in listed_keys(app)
        assert not screen(app).papers.children  # virtual: no widget per paper
        status = str(app.screen.query_one("#status").render())
        assert f"All · {len(expected)} papers" in status


async def test_number_keys_switch_views_and_read_is_grouped_by_week(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        inbox = listed_keys(app)
        assert inbox and all(app.store.get(k).status == "inbox" for k in inbox)
        await pilot.press("5")
        await settle(pilot, app)
        papers = screen(app).papers
        assert papers.header_titles, "the Read view is grouped by week"
        first_header = min(papers.header_titles)
        assert first_header == 0 and "this week" in papers.header_titles[0]
        # The cursor never rests on a week header.
        assert papers.entries[papers.cursor] >= 0
        # Within this week: reading order (the digest's order).
        week_ids = []
        for value in list(papers.entries)[1:]:
            if value < 0:
                break
            week_ids.append(value)
        read = app.store.papers_by_ids(week_ids)
        assert [p.read_at for p in read] == sorted(p.read_at for p in read)
        await pilot.press("G")
        assert papers.entries[papers.cursor] >= 0
        await pilot.press("g")
        assert papers.cursor == 1


async def test_catalogue_view_searches_every_paper_and_a_key_brings_one_into_the_reading_list(demo_db):
    from tests.conftest import make_record

    with Store(demo_db) as lib:
        lib.upsert_arxiv(make_record("2401.99999", "Zeolitic frameworks from the catalogue"), status=None)
        total = lib.paper_count()
    app = app_for(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert "2401.99999" not in listed_keys(app)
        await pilot.press("7")
        await settle(pilot, app)
        assert screen(app).view == "catalogue"
        assert listed_keys(app)[0] == "2401.99999"  # the most recently added first
        assert len(listed_keys(app)) == total
        assert "7 Catalogue" in str(app.screen.query_one("#views").render())
        assert f"Catalogue · {total} papers" in str(app.screen.query_one("#status").render())
        await pilot.press("slash", *"zeolitic", "escape")
        await settle(pilot, app)
        assert listed_keys(app) == ["2401.99999"]
        await pilot.press("w")  # keep it to read: it joins the reading list
        await settle(pilot, app)
        assert app.store.get("2401.99999").status == "to-read"
        await pilot.press("u")
        await settle(pilot, app)
        assert app.store.get("2401.99999").status is None  # undo puts it back in the catalogue
        await pilot.press("w", "1")
        await settle(pilot, app)
        assert "2401.99999" in listed_keys(app)


async def test_tag_view_via_picker(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("v")
        await pilot.pause()
        tags = app.store.tags_with_counts()
        index = [t for t, _ in tags].index("biology")
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot, app)
        assert screen(app).view == "tag:biology"
        keys = listed_keys(app)
        assert keys and all("biology" in app.store.get(k).tags for k in keys)


# --- search ------------------------------------------------------------------------------------


async def test_slash_search_narrows_escape_keeps_filter_second_escape_clears(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        total = len(listed_keys(app))
        await pilot.press("slash", *"knots")
        await settle(pilot, app)
        keys = listed_keys(app)
        assert keys == ["0704.0191"]
        await pilot.press("escape")
        assert isinstance(app.focused, PaperList)
        await settle(pilot, app)
        assert listed_keys(app) == ["0704.0191"]  # the filter stays
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(listed_keys(app)) == total


async def test_search_uses_filter_syntax_and_reports_bad_filters(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"tag:biology")
        await settle(pilot, app)
        keys = listed_keys(app)
        assert keys and all("biology" in app.store.get(k).tags for k in keys)
        app.screen.query_one("#search").value = "status:nonsense"
        await settle(pilot, app)
        assert "status:nonsense is not a status" in str(app.screen.query_one("#status").render())
        assert listed_keys(app) == keys  # the last good list stays


async def test_a_keystroke_searches_at_once_without_waiting_for_a_pause(demo_db, monkeypatch):
    import readr.tui.screen as tui_screen

    monkeypatch.setattr(tui_screen, "DEBOUNCE", 30.0)  # a debounced search would not run in this test
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"protein")
        await settle(pilot, app)
        assert listed_keys(app) == ["0704.0191"]


async def test_keys_typed_while_a_search_runs_wait_for_a_pause_then_run_one_query(demo_db, monkeypatch):
    searched: list[str] = []
    original = Store.view_ids
    first_search_may_end = threading.Event()

    def slow(self, view="all", query=None, *args, **kwargs):
        if query is not None and query.terms:
            searched.append(" ".join(query.terms))
            # The first search runs until every other key is typed, however slowly the keys come.
            first_search_may_end.wait(timeout=30)
        return original(self, view, query, *args, **kwargs)

    monkeypatch.setattr(Store, "view_ids", slow)
    # The pause that ends a burst of typing: longer than a gap between two Pilot keys on a loaded
    # machine (the 0.15 s users get is shorter than such a gap can be).
    import readr.tui.screen as tui_screen

    monkeypatch.setattr(tui_screen, "DEBOUNCE", 2.0)
    loads = []
    app = app_for(demo_db)
    def hook(message):
        if isinstance(message, ViewLoaded):
            loads.append(message)

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", "p")
        await wait_until(pilot, lambda: searched == ["p"])
        await pilot.press(*"rotein")
        first_search_may_end.set()
        await wait_until(pilot, lambda: len(searched) >= 2
                         and not any(w.group == "view" and not w.is_finished for w in app.workers))
        await settle(pilot, app)
        assert searched == ["p", "protein"], "the first key at once, the rest in one query after the pause"
        assert listed_keys(app) == ["0704.0191"]
        shown = [m for m in loads if m.generation == screen(app).loader.generation and not m.partial]
        assert shown and all(app.store.keys_for(list(m.result.ids)) == ["0704.0191"] for m in shown)


def test_a_running_query_stops_when_interrupted(demo_db):
    """The worker's SQL does not stop by itself: interrupt() on its connection ends it."""
    lib = Store(demo_db)
    holder: dict = {}

    def slow() -> None:
        holder["conn"] = lib.conn
        try:
            lib.conn.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
            ).fetchone()
        except sqlite3.OperationalError as exc:
            holder["error"] = str(exc)
        finally:
            lib.release_thread_connection()

    thread = threading.Thread(target=slow)
    thread.start()
    while "conn" not in holder:
        time.sleep(0.01)
    # An interrupt before the query has started is lost: interrupt until the thread ends.
    deadline = time.monotonic() + 60
    while thread.is_alive() and time.monotonic() < deadline:
        lib.interrupt_thread_connection(holder["conn"])
        thread.join(0.05)
    assert not thread.is_alive()
    assert "interrupt" in holder["error"]
    lib.close()


# --- untrusted text ----------------------------------------------------------------------------


async def test_hostile_title_is_shown_literally_and_does_nothing(demo_db):
    with Store(demo_db) as lib:
        title = lib.get(HOSTILE).title
        # A control sequence smuggled past the store's cleaning (an old library, a bug elsewhere).
        lib.conn.execute(
            "UPDATE papers SET title = ?, authors = ? WHERE key = '0704.0001'",
            ("Evil \x1b]0;pwned\x07 title \x9b31m", json.dumps(["[link=\"https://example.org\"]x[/link]"])),
        )
    assert "[/]" in title and "[@click=app.quit]" in title
    app = app_for(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, HOSTILE)
        papers = screen(app).papers
        row = line_text(papers, papers.cursor)
        assert "[bold]markup[/bold]" in row
        shown = str(app.screen.query_one("#detail-title").render())
        assert shown == title
        await pilot.click("#detail-title")
        await pilot.press("enter", "escape")
        await settle(pilot, app)
        assert app.is_running
        await move_to(pilot, app, "0704.0001")
        row = line_text(papers, papers.cursor)
        assert "\x1b" not in row and "\x9b" not in row and "\x07" not in row
        assert "Evil ]0;pwned title 31m" in row and '[link="https://' in row


async def test_hostile_summary_tags_and_notifications_stay_text(demo_db):
    hostile = "[@click=app.quit]x[/] [/] [bold]b[/bold] [link=\"https://example.org\"]l[/link]"
    with Store(demo_db) as lib:
        lib.set_summary("0704.0002", f"Plain {hostile} and **a takeaway {hostile}**")
    app = app_for(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "0704.0002")
        await pilot.press("plus", *"[@click=app.quit]t[/]", "enter")
        await settle(pilot, app)
        assert "[@click=app.quit]t[/]" in app.store.get("0704.0002").tags
        assert app.is_running
        messages = [n.message for n in notifications(app)]
        assert any("[@click=app.quit]t[/]" in m for m in messages)
        assert all(not n.markup for n in notifications(app))
        await pilot.press("v")  # the tag view picker lists it literally
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("enter")  # zoom the details (rendered summary)
        await settle(pilot, app)
        await pilot.click("#detail-summary")
        await pilot.pause()
        assert app.is_running
        summary = app.screen.query_one("#detail-summary")
        text = " ".join(str(block.render()) for block in summary.query("MarkdownBlock"))
        assert "[@click=app.quit]x[/]" in text


# --- summaries ---------------------------------------------------------------------------------


async def test_edit_autosaves_a_draft_then_saves_the_summary(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "0704.0002")
        before = app.store.get("0704.0002").summary
        await pilot.press("e")
        await wait_until(pilot, lambda: editing(app))
        editor = app.screen
        await pilot.press(*" Graphs: **sparse ones win**.")
        await wait_until(pilot, lambda: (screen(app).drafts.load("0704.0002") or "").endswith("win**."))  # autosaved
        draft = screen(app).drafts.load("0704.0002")
        assert draft is not None and draft.endswith("Graphs: **sparse ones win**.")
        assert app.store.get("0704.0002").summary == before  # not saved until Esc / ctrl+s
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is not editor
        paper = app.store.get("0704.0002")
        assert paper.summary.endswith("Graphs: **sparse ones win**.")
        assert "sparse ones win" in paper.takeaways
        assert screen(app).drafts.load("0704.0002") is None


async def test_a_draft_left_by_a_crash_is_recovered(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        drafts = screen(app).drafts
    drafts.save("0704.0002", "Typed before the crash: **keep me**")
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert any("Recovered drafts" in (n.title or "") for n in notifications(app))
        await move_to(pilot, app, "0704.0002")
        meta = str(app.screen.query_one("#detail-meta").render())
        assert "unsaved summary draft" in meta
        await pilot.press("e")
        await wait_until(pilot, lambda: editing(app))
        assert app.screen.text == "Typed before the crash: **keep me**"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.get("0704.0002").takeaways == ["keep me"]


async def test_external_editor_edits_the_draft_file(demo_db, tmp_path, monkeypatch):
    from readr.drafts import Drafts
    from readr.summaries import edit_summary_in_editor

    script = tmp_path / "fake-editor.sh"
    script.write_text('#!/bin/sh\nprintf "\\n**From vim.**" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    with Store(demo_db) as lib:
        drafts = Drafts.of_library(lib)
        saved = edit_summary_in_editor(lib, "0704.0002")
        assert saved.summary.endswith("**From vim.**")
        assert "From vim." in lib.get("0704.0002").takeaways
        assert drafts.keys() == []
        monkeypatch.setenv("EDITOR", "false")
        with pytest.raises(ReadrError, match="exited with status 1; nothing was saved$"):
            edit_summary_in_editor(lib, "0704.0002")
        assert drafts.keys() == []  # the editor wrote nothing: no draft left behind
        failing = tmp_path / "failing-editor.sh"
        failing.write_text('#!/bin/sh\nprintf "half a thought" >> "$1"\nexit 3\n')
        failing.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(failing))
        with pytest.raises(ReadrError, match="exited with status 3; nothing was saved; the text is kept as a draft"):
            edit_summary_in_editor(lib, "0704.0002")
        assert drafts.keys() == ["0704.0002"]  # what a failed editor wrote is kept
        assert drafts.load("0704.0002").endswith("half a thought")


# --- tags, status, undo ------------------------------------------------------------------------


async def test_tag_with_completion(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "0704.0002")
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"biol", "tab")
        assert app.screen.query_one("#tag-input").value == "biology"
        await pilot.press(*", brand new", "enter")
        await settle(pilot, app)
        assert {"biology", "brand new"} <= set(app.store.get("0704.0002").tags)
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"-brand new", "enter")
        await settle(pilot, app)
        assert "brand new" not in app.store.get("0704.0002").tags


async def test_multi_select_and_bulk_tag(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("g", "space", "space", "space")
        papers = screen(app).papers
        assert len(papers.selected) == 3
        chosen = app.store.keys_for(sorted(papers.selected))
        assert "3 selected" in str(app.screen.query_one("#status").render())
        await pilot.press("plus", *"batch", "enter")
        await settle(pilot, app)
        assert all("batch" in app.store.get(k).tags for k in chosen)
        assert app.store.keys_for(sorted(papers.selected)) == chosen  # kept until the user clears it
        others = [k for k in listed_keys(app) if k not in chosen]
        assert all("batch" not in app.store.get(k).tags for k in others)


async def test_inbox_triage_keep_and_dismiss_with_undo(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        inbox = listed_keys(app)
        first, second = inbox[0], inbox[1]
        await pilot.press("w")  # keep to read
        await settle(pilot, app)
        assert app.store.get(first).status == "to-read"
        assert listed_keys(app)[0] == second  # it left the inbox; the cursor is on the next one
        assert screen(app).papers.current_id == app.store.get(second).id
        await pilot.press("d")  # dismiss
        await settle(pilot, app)
        assert app.store.get(second).status == "dismissed"
        assert second not in listed_keys(app)
        await pilot.press("u")
        await settle(pilot, app)
        assert app.store.get(second).status == "inbox"
        assert second in listed_keys(app)
        await pilot.press("u")
        await settle(pilot, app)
        assert app.store.get(first).status == "inbox"


async def test_status_keys_and_undo_of_mark_read(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "0704.0002")
        original = app.store.get("0704.0002")
        await pilot.press("s")
        await settle(pilot, app)
        assert app.store.get("0704.0002").status == "reading"
        await pilot.press("r")
        await settle(pilot, app)
        paper = app.store.get("0704.0002")
        assert paper.status == "read" and paper.read_at.startswith(clock.today().isoformat())
        assert paper.read_at != original.read_at  # re-read today
        await pilot.press("u", "u")
        await settle(pilot, app)
        paper = app.store.get("0704.0002")
        assert (paper.status, paper.read_at, paper.read_seq) == (original.status, original.read_at, original.read_seq)


async def test_delete_and_undo_restores_everything(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        key = "0704.0191"
        before = app.store.get(key)
        await move_to(pilot, app, key)
        await pilot.press("D")
        await settle(pilot, app)
        assert app.store.find(key) is None
        assert key not in listed_keys(app)
        await pilot.press("u")
        await settle(pilot, app)
        after = app.store.get(key)
        assert (after.summary, after.tags, after.status, after.read_at) == (
            before.summary, before.tags, before.status, before.read_at)
        assert key in listed_keys(app)


async def test_a_paper_deleted_by_another_process_is_an_error_notice_not_a_crash(demo_db, monkeypatch):
    # Act before the app notices the outside write (its once-a-second poll would move the cursor).
    monkeypatch.setattr("readr.tui.screen.POLL_SECONDS", 3600)
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "0704.0191")
        with Store(demo_db) as other:  # e.g. `readr rm` in another terminal
            other.delete(["0704.0191"])
        await pilot.press("r")
        await settle(pilot, app)
        assert app.is_running
        await pilot.press("e")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        await pilot.press("y")  # copy link: nothing to copy now, no crash either
        assert app.is_running


async def test_a_locked_library_is_an_error_notice_and_nothing_to_undo(demo_db, monkeypatch):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(app.store, "set_status", locked)
        await pilot.press("d")
        await settle(pilot, app)
        assert app.is_running
        errors = [n for n in notifications(app) if n.severity == "error"]
        assert errors and "database is locked" in errors[-1].message
        assert screen(app).undo_stack == []


# --- digest preview ----------------------------------------------------------------------------


async def test_summary_written_tagged_read_shows_in_the_digest_preview(demo_db):
    from readr.tui.digest_preview import DigestPreview

    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("3")  # To read
        await settle(pilot, app)
        key = app.store.keys_for([screen(app).papers.current_id])[0]
        await pilot.press("e")
        await wait_until(pilot, lambda: editing(app))
        app.screen.query_one("#editor-text").load_text("We learn that **digest previews work**.")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("plus", *"weekly", "enter")
        await settle(pilot, app)
        await move_to(pilot, app, key) if key in listed_keys(app) else None
        await pilot.press("r")
        await settle(pilot, app)
        assert app.store.get(key).status == "read"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, DigestPreview))
        preview = app.screen
        title = app.store.get(key).title
        assert "We learn that **digest previews work**." in preview.markdown
        assert title.split(":")[0][:30] in preview.markdown
        assert "this week" in str(preview.query_one("#digest-title").render())
        await pilot.press("m")
        assert preview.query_one("#digest-source").text == preview.markdown
        await pilot.press("m", "left")
        assert "digest previews work" not in preview.markdown
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


# --- keys --------------------------------------------------------------------------------------


async def test_remapped_key_from_config(demo_db):
    app = app_for(demo_db, keymap={"mark-read": "x", "cursor-down": "n"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        key = app.store.list_papers(statuses=["to-read"])[0].key
        await move_to(pilot, app, key)
        await pilot.press("r")
        await settle(pilot, app)
        assert app.store.get(key).status == "to-read"
        await pilot.press("x")
        await settle(pilot, app)
        assert app.store.get(key).status == "read"
        cursor = screen(app).papers.cursor
        await pilot.press("n")
        assert screen(app).papers.cursor > cursor


async def test_help_lists_every_binding_with_its_id(demo_db):
    from readr.tui.keys import ALL_GROUPS

    app = app_for(demo_db, keymap={"mark-read": "x"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(screen_lines(app, "#help-box Static"))
        for _, group in ALL_GROUPS:
            for binding in group:
                assert binding.id in text
        line = next(row for row in text.splitlines() if row.rstrip().endswith("mark-read"))
        assert line.split()[0] == "x"
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_command_palette_runs_actions(demo_db):
    from readr.tui.commands import palette_commands

    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        names = [name for name, _, _ in palette_commands(app)]
        for wanted in ("Mark read", "Add papers from arXiv (ids, URLs or a query)", "Undo the last change",
                       "Preview the digest (of the read paper's week, else this week)", "View: #biology",
                       "Tag the selected papers"):
            assert wanted in names
        key = app.store.list_papers(statuses=["to-read"])[0].key
        await move_to(pilot, app, key)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mark read")
        await wait_until(pilot, lambda: first_palette_hit(app) == "Mark read")  # searched in the background
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.store.get(key).status == "read"


async def test_zoom(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        assert app.screen.has_class("zoomed")
        await pilot.press("escape")
        assert not app.screen.has_class("zoomed")


# --- adding papers -----------------------------------------------------------------------------


def empty_library_app(tmp_path, arxiv_server):
    """The app on an empty library whose arXiv client talks to the replay server."""
    from readr.arxiv_api import ArxivClient

    db = tmp_path / "lib.db"
    Store(db).close()
    return make_app(db, config=Config(), client_factory=lambda: ArxivClient(base_url=arxiv_server.url, delay=0))


async def test_add_by_ids_fetches_in_a_worker_and_adds_the_picked(tmp_path, arxiv_server):
    app = empty_library_app(tmp_path, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"1605.08386 https://arxiv.org/abs/1707.08567", "enter")
        await wait_until(pilot, lambda: app.screen.candidates)
        assert len(app.screen.candidates) == 2
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert sorted(listed_keys(app)) == ["1605.08386", "1707.08567"]
        assert app.store.get("1605.08386").status == "to-read"


async def test_add_by_query_shows_results_to_pick(tmp_path, arxiv_server):
    app = empty_library_app(tmp_path, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"testing", "enter")
        await wait_until(pilot, lambda: app.screen.candidates)
        dialog = app.screen
        assert not dialog.query_one("#add-results").selected  # query results start unpicked
        first = dialog.candidates[0].record
        await wait_until(pilot, lambda: str(dialog.query_one("#add-preview").render()))
        assert str(dialog.query_one("#add-preview").render())[:40] == " ".join(first.abstract.split())[:40]
        await pilot.press("space", "ctrl+s")
        await settle(pilot, app)
        assert len(listed_keys(app)) == 1


async def test_add_failure_is_a_notification_and_the_ui_stays_responsive(tmp_path, arxiv_server):
    from readr.arxiv_api import ArxivClient

    from readr.tui.dialogs import AddDialog

    arxiv_server.default = ("hang", None)  # until end_hangs(): the client's timeout is far off
    db = tmp_path / "lib.db"
    Store(db).close()
    app = make_app(db, config=Config(), client_factory=lambda: ArxivClient(base_url=arxiv_server.url, delay=0,
                                                                           timeout=60, retries=0, deadline=60))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddDialog))
        await pilot.press(*"1605.08386", "enter")
        await wait_until(pilot, lambda: arxiv_server.requests)
        # While arXiv hangs (the fetch worker is still running), the dialog still takes keys.
        dialog = app.screen
        cursor = dialog.query_one("#add-input").cursor_position
        await pilot.press("left")
        assert any(w.group == "add" and w.is_running for w in app.workers)
        assert dialog.query_one("#add-input").cursor_position == cursor - 1
        arxiv_server.end_hangs()  # the connection closes unanswered: the add fails
        await wait_until(pilot, lambda: any(n.severity == "error" for n in notifications(app)))
        assert app.is_running
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


# --- scale -------------------------------------------------------------------------------------


def _bulk_library(path, count: int) -> None:
    lib = Store(path)
    conn = lib.conn
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    conn.execute("BEGIN IMMEDIATE")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executemany(
        "INSERT INTO papers (key, arxiv_id, title, authors, authors_text, abstract, status, added_at) "
        "VALUES (?, ?, ?, '[\"A. Author\"]', 'A. Author', 'abstract words', ?, ?)",
        (
            (f"k{i}", f"x{i}", f"Paper number {i} about {'quantum' if i % 3 else 'graphs'}",
             ("to-read", "read", "inbox")[i % 3], f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:{i % 60:02d}")
            for i in range(count)
        ),
    )
    conn.execute("INSERT INTO papers_fts(papers_fts) VALUES('rebuild')")
    conn.execute(  # the reading list's own index, which its (dropped) triggers would have filled
        "INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext) "
        "SELECT id, title, authors_text, abstract, summary, tags_text, fulltext FROM papers WHERE status IS NOT NULL"
    )
    for _, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    lib.close()


async def test_large_library_is_virtual_and_reads_only_visible_rows(tmp_path, monkeypatch):
    db = tmp_path / "big.db"
    _bulk_library(db, 60_000)
    fetched: list[int] = []
    original = Store.list_rows

    def counting(self, ids):
        ids = list(ids)
        fetched.extend(ids)
        return original(self, ids)

    monkeypatch.setattr(Store, "list_rows", counting)
    app = make_app(db, config=Config(), )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        papers = screen(app).papers
        assert papers.paper_count == 60_000
        assert not papers.children
        assert len(fetched) < 200, "only the visible page (plus a margin) is read"
        await pilot.press("G")
        await pilot.pause()
        assert papers.cursor == 59_999
        assert len(fetched) < 400
        await pilot.press("slash", *"graphs")
        await settle(pilot, app)
        assert 0 < papers.paper_count <= 2000  # ranked candidates are capped
