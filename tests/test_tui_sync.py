"""Sync from the TUI: the palette entry and its key run `readr sync`'s own core function in a
worker; two libraries and a bare repository in a temporary folder, as tests/test_sync.py sets up."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta

import pytest

from readr.clock import clock
from readr.store import Store
from readr.sync import sync
from tests.test_sync import OTHER, PAPER, add_read, git_identity, libraries, remote  # noqa: F401 (fixtures)

pytest.importorskip("textual")

from readr.tui.status_bar import synced_label  # noqa: E402
from tests.tui_support import app_for, first_palette_hit, notifications, screen_lines, settle, wait_until  # noqa: E402

SYNC_COMMAND = "Sync with the team's git repository (readr sync)"


def notices(app) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in notifications(app)]


def status_line(app) -> str:
    return "\n".join(screen_lines(app, "#status"))


def test_the_last_sync_is_shown_short():
    today = date(2027, 2, 7)
    assert synced_label(None, today) == ""
    assert synced_label("2027-02-07T09:05:12", today) == "synced 09:05"
    assert synced_label("2027-02-01T09:05:12", today) == "synced 2027-02-01"


@pytest.fixture
def bob_after_a_first_sync(libraries, remote):  # noqa: F811
    clock.fix(datetime(2027, 2, 7, 9, 0))
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice on transformers.")
    sync(alice, remote, "alice")
    add_read(bob, OTHER, "Bob's old paper.")
    sync(bob, remote, "bob")
    alice.upsert_arxiv({"arxiv_id": "2401.00003", "version": 1, "title": "Alice reads this now"}, status="reading")
    sync(alice)
    return alice, bob


async def test_sync_from_the_palette_brings_the_team_in_and_reloads(bob_after_a_first_sync):
    _, bob = bob_after_a_first_sync
    app = app_for(bob.path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        screen = app.library
        assert "synced 09:00" in status_line(app)
        assert screen.counts["catalogue"] == 2
        clock.advance(timedelta(hours=1))

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync")
        await wait_until(pilot, lambda: first_palette_hit(app) == SYNC_COMMAND)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(title == "Synced" for title, _, _ in notices(app)))
        await settle(pilot, app)

        assert not screen.syncing
        [(_, message, severity)] = [n for n in notices(app) if n[0] == "Synced"]
        assert message.startswith(f"synced as bob with {bob.get_meta('sync.remote')}: 0 notes sent")
        assert "1 teammate note from 1 reader" in message and severity == "information"
        assert [n.reader for n in app.store.team_notes("2401.00003")] == ["alice"]
        assert screen.counts["catalogue"] == 3  # the view and its counts were reloaded
        assert "synced 10:00" in status_line(app)

        # The teammate's papers are searchable by her name.
        await pilot.press("7", "slash", *"reader:alice", "escape")
        await settle(pilot, app)
        assert screen.papers.paper_count == 2


async def test_the_sync_key_fails_with_a_notice_and_keeps_the_library(bob_after_a_first_sync, tmp_path):
    _, bob = bob_after_a_first_sync
    shutil.rmtree(tmp_path / "team.git")  # the remote is gone
    before = bob.own_notes()
    app = app_for(bob.path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("S")
        await wait_until(pilot, lambda: any(title == "Syncing failed" for title, _, _ in notices(app)))
        await settle(pilot, app)
        [(_, message, severity)] = [n for n in notices(app) if n[0] == "Syncing failed"]
        assert message.startswith("cannot fetch from ") and "\n" not in message and severity == "error"
        assert not app.library.syncing and app.is_running
        assert "synced 09:00" in status_line(app)  # the last sync that completed
        assert app.store.own_notes() == before


async def test_sync_before_any_readr_sync_says_how_to_set_it_up(tmp_path):
    db = tmp_path / "lib.db"
    Store(db).close()
    app = app_for(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("S")
        await settle(pilot, app)
        [(title, message, severity)] = notices(app)
        assert title == "Not synced" and severity == "warning"
        assert "readr sync REMOTE --as NAME" in message
        assert not any(worker.group == "sync" for worker in app.workers)
        assert "synced" not in status_line(app)
        assert "Team" not in "\n".join(screen_lines(app, "#views"))  # no team, no Team view in the bar


async def test_team_view_lists_teammates_papers_with_their_summaries_beside_yours(libraries, remote):  # noqa: F811
    clock.fix(datetime(2027, 2, 7, 9, 0))
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice: [bold]not markup[/] and **a takeaway**.", ["vision"])
    alice.upsert_arxiv({"arxiv_id": "2401.00003", "version": 1, "title": "Alice reads this now"}, status="reading")
    sync(alice, remote, "alice")
    add_read(bob, PAPER, "Bob's own summary.")
    add_read(bob, OTHER, "Only Bob's.")
    sync(bob, remote, "bob")
    app = app_for(bob.path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = app.library
        assert "8 Team 2" in "\n".join(screen_lines(app, "#views"))
        await pilot.press("8")
        await settle(pilot, app)
        assert screen.view == "team" and screen.papers.paper_count == 2
        # The teammate's latest reading first: the paper alice read, then the one she is reading.
        assert app.store.papers_by_ids([screen.papers.current_id])[0].key == "2202.06709"
        await settle(pilot, app)
        team = "\n".join(screen_lines(app, "#detail-team"))
        assert "alice · read · read 2027-02-07 · #vision" in team
        assert "Alice: [bold]not markup[/] and **a takeaway**." in team  # text, as written
        assert app.screen.query_one("#detail-summary").source == "Bob's own summary."
        await pilot.press("j")
        await settle(pilot, app)
        assert "alice · reading" in "\n".join(screen_lines(app, "#detail-team"))

        # A paper no teammate has: no Team section.
        await pilot.press("1")
        await settle(pilot, app)
        while app.store.papers_by_ids([screen.papers.current_id])[0].key != "hep-th/9901001":
            await pilot.press("j")
            await settle(pilot, app)
        assert not app.screen.query_one("#detail-team").display


async def test_the_status_line_shows_the_stage_the_sync_round_is_in(bob_after_a_first_sync, monkeypatch):
    import threading

    from readr.sync.git import Git

    _, bob = bob_after_a_first_sync
    bob.set_summary(OTHER["arxiv_id"], "Bob changed his summary.")  # something to push
    release = threading.Event()
    real_push = Git.push

    def held_push(self, branch):
        release.wait(20)
        real_push(self, branch)

    monkeypatch.setattr(Git, "push", held_push)
    app = app_for(bob.path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("S")
        await wait_until(pilot, lambda: "syncing: pushing…" in status_line(app))
        release.set()
        await wait_until(pilot, lambda: any(title == "Synced" for title, _, _ in notices(app)))
        await settle(pilot, app)
        assert "syncing" not in status_line(app) and "synced 09:00" in status_line(app)


@pytest.fixture
def conflicted(libraries, remote):  # noqa: F811
    clock.fix(datetime(2027, 2, 7, 9, 0))
    laptop, desktop = libraries("laptop"), libraries("desktop")
    add_read(laptop, PAPER, "Before.")
    sync(laptop, remote, "alice")
    sync(desktop, remote, "alice")
    laptop.set_summary(PAPER["arxiv_id"], "Laptop text.")
    desktop.set_summary(PAPER["arxiv_id"], "Desktop text.")
    sync(laptop)
    sync(desktop)
    assert desktop.summary_conflict(PAPER["arxiv_id"]) == "Laptop text."
    return desktop


async def test_a_conflicted_summary_is_shown_and_settled_in_the_summary_editor(conflicted):
    from readr.tui.editor import SummaryEditor

    app = app_for(conflicted.path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")  # Read
        await settle(pilot, app)
        detail = "\n".join(screen_lines(app, "#detail-conflict"))
        assert "Edited on two machines" in detail and "e opens both" in detail and "Laptop text." in detail

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        editor = app.screen
        area = editor.query_one("#editor-text")
        assert area.text == (
            "<<<<<<< this machine's summary (keep what you want of both texts, delete the marker lines)\n"
            "Desktop text.\n=======\nLaptop text.\n>>>>>>> the other machine's summary\n")
        # Saving with the markers left refuses; a second Esc would leave, the draft kept.
        area.load_text(area.text.replace("Desktop text.", "Desktop text, revised."))
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is editor
        assert any("conflict markers are still in the summary" in message for _, message, _ in notices(app))
        assert conflicted.summary_conflict(PAPER["arxiv_id"]) == "Laptop text."

        area.load_text("Desktop text, revised. **Laptop** text.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SummaryEditor))
        await settle(pilot, app)
        store = app.store
        assert store.summary_conflict(PAPER["arxiv_id"]) is None
        paper = store.get(PAPER["arxiv_id"])
        assert (paper.summary, paper.takeaways) == ("Desktop text, revised. **Laptop** text.", ["Laptop"])
        assert not app.screen.query_one("#detail-conflict").display


async def test_leaving_a_conflicted_summary_untouched_keeps_both_texts(conflicted):
    from readr.tui.editor import SummaryEditor

    app = app_for(conflicted.path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5", "e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SummaryEditor))
        assert app.store.summary_conflict(PAPER["arxiv_id"]) == "Laptop text."
        assert app.store.get(PAPER["arxiv_id"]).summary == "Desktop text."
        assert app.screen.drafts.load(PAPER["arxiv_id"]) is None
