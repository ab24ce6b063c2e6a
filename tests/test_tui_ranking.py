"""The Inbox by relevance in the TUI: its order, the key that switches to arrival order, the score
bars and reasons, the note while there is too little history, and re-ranking after triage."""

from __future__ import annotations

import random
import threading

import pytest

from readr import ranking
from readr.store import Store
from tests.conftest import make_record
from tests.test_ranking import SUBJECTS, fill, subject_record
from tests.tui_support import app_for, screen_lines, settle, wait_until

pytest.importorskip("textual")


SUBJECT_WORDS = {name: set(words.split()) for name, words in SUBJECTS.items()}


@pytest.fixture
def history(db_path):
    with Store(db_path) as lib:
        inbox = fill(lib)
    return db_path, inbox


def listed_keys(app) -> list[str]:
    return app.store.keys_for([i for i in app.library.papers.entries if i >= 0])


def status_text(app) -> str:
    return "\n".join(screen_lines(app, "#status"))


def why_text(app) -> str:
    return "\n".join(screen_lines(app, "#detail-why")) if app.screen.query_one("#detail-why").display else ""


def row_text(app, index: int) -> str:
    papers = app.library.papers
    return "".join(s.text for s in papers.render_line(index - int(papers.scroll_offset.y)))


async def open_inbox(pilot, app) -> None:
    await settle(pilot, app)
    await pilot.press("2")
    await wait_until(pilot, lambda: app.library.inbox_order.ranked is not None and not app.library.inbox_order.ranking)
    await settle(pilot, app)


async def test_inbox_opens_by_relevance_with_score_bars_and_reasons(history):
    db, inbox = history
    app = app_for(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inbox(pilot, app)
        keys = listed_keys(app)
        assert set(keys[:6]) == set(inbox["graphs"])
        assert set(keys[-6:]) == set(inbox["optics"])
        assert app.library.papers.cursor == 0
        assert "by relevance (b: arrival order)" in status_text(app)
        assert "score" in screen_lines(app, "#columns")[0]
        top, bottom = row_text(app, 0), row_text(app, len(keys) - 1)
        assert "█████" in top  # the best paper's bar is full, the last one's nearly empty
        assert "██" not in bottom
        why = why_text(app)
        assert why.startswith("for you +")
        vocabulary = SUBJECT_WORDS["graphs"] | {"author:", "Grace", "Graphwell", "category:", "cs.LG", "·"}
        assert set(why.split()[3:]) <= vocabulary, why


async def test_one_key_switches_to_arrival_order_and_back(history):
    db, inbox = history
    app = app_for(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inbox(pilot, app)
        ranked = listed_keys(app)
        await pilot.press("b")
        await settle(pilot, app)
        arrival = app.store.keys_for(list(app.store.view_ids("inbox").ids))
        assert listed_keys(app) == arrival != ranked
        assert "in arrival order (b: by relevance)" in status_text(app)
        assert "█" not in row_text(app, 0) and "score" not in screen_lines(app, "#columns")[0]
        assert why_text(app) == ""
        await pilot.press("b")
        await open_inbox(pilot, app)
        assert listed_keys(app) == ranked
        assert app.library.papers.cursor == 0
        assert why_text(app).startswith("for you")


async def test_the_order_key_is_remappable_and_named_in_the_palette(history):
    from readr.tui.keys import MAIN_BINDINGS, palette_name

    (binding,) = [b for b in MAIN_BINDINGS if b.id == "inbox-order"]
    assert palette_name(binding) == "Inbox: best first (by relevance) / in arrival order"
    db, _ = history
    app = app_for(db, keymap={"inbox-order": "ctrl+o"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inbox(pilot, app)
        assert "(ctrl+o: arrival order)" in status_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert not app.library.inbox_order.by_relevance


async def test_too_little_history_keeps_arrival_order_and_says_what_enough_is(db_path):
    with Store(db_path) as lib:
        for i in range(3):
            lib.upsert_arxiv(make_record(f"2104.0000{i}", title=f"Paper {i}"), status="inbox")
        lib.upsert_arxiv(make_record("2104.00009", title="Kept"), status="to-read")
    app = app_for(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_inbox(pilot, app)
        assert listed_keys(app) == app.store.keys_for(list(app.store.view_ids("inbox").ids))
        assert "in arrival order: too little history (see details)" in status_text(app)
        assert status_text(app).rstrip().endswith("? keys")
        assert " ".join(why_text(app).split()) == (
            "in arrival order: relevance is learned from at least 5 kept and 3 dismissed papers "
            "(you have 1 kept, 0 dismissed)"
        )
        assert "█" not in row_text(app, 0)


async def test_triage_reranks_in_a_worker_and_the_cursor_stays_on_the_next_paper(history, monkeypatch):
    db, inbox = history
    trained_on: list[threading.Thread] = []
    train = ranking.train

    def recording_train(*args, **kwargs):
        trained_on.append(threading.current_thread())
        return train(*args, **kwargs)

    monkeypatch.setattr(ranking, "train", recording_train)
    app = app_for(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inbox(pilot, app)
        papers = app.library.papers
        before = listed_keys(app)
        papers.move_cursor(3)
        await settle(pilot, app)
        dismissed, following = before[3], before[4]
        await pilot.press("d")
        # Before the new ranking is in, the list keeps the order the reader saw.
        assert app.store.get(dismissed).status == "dismissed"
        await wait_until(pilot, lambda: dismissed not in listed_keys(app))
        assert papers.current_id == app.store.get(following).id
        await wait_until(pilot, lambda: not app.library.inbox_order.ranking)
        await settle(pilot, app)
        assert papers.current_id == app.store.get(following).id
        assert len(trained_on) == 2 and threading.main_thread() not in trained_on
        cached = app.store.ranking_model(ranking.READER_MODEL)
        assert cached is not None and cached[0] == app.store.triage_fingerprint()
        await pilot.press("w")
        await wait_until(pilot, lambda: len(trained_on) == 3 and not app.library.inbox_order.ranking)
        await settle(pilot, app)
        assert app.store.get(following).status == "to-read"
        assert papers.current_id == app.store.get(before[5]).id


async def test_reasons_from_strangers_stay_text(db_path):
    rng = random.Random(2)
    hostile = "[b]Mal[/b] \x1b[31mLory"
    with Store(db_path) as lib:
        fill(lib)
        for i in range(6):
            lib.upsert_arxiv(subject_record(f"2107.{i:05d}", "optics", rng, authors=[hostile]), status="read")
        lib.upsert_arxiv(
            make_record("2108.00001", title="Large system", abstract="We measure data.", authors=[hostile],
                        categories=["math.CO"]), status="inbox")
    app = app_for(db_path)
    async with app.run_test(size=(160, 36)) as pilot:
        await open_inbox(pilot, app)
        papers = app.library.papers
        papers.move_cursor(list(papers.entries).index(app.store.get("2108.00001").id))
        # The detail pane follows the cursor after a timer: until then it shows the paper before.
        await wait_until(pilot, lambda: any("Large system" in line for line in screen_lines(app, "#detail-title")))
        assert "author: [b]Mal[/b] [31mLory" in why_text(app)


async def test_more_like_this_lists_related_papers_and_goes_to_the_one_picked(history):
    from readr.tui.dialogs import RelatedDialog

    db, inbox = history
    app = app_for(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inbox(pilot, app)
        papers = app.library.papers
        source = app.store.get(inbox["proteins"][0])
        papers.move_cursor(list(papers.entries).index(source.id))
        await settle(pilot, app)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RelatedDialog) and app.screen.related)
        await settle(pilot, app)
        dialog = app.screen
        expected = ranking.related(app.store, source.key, limit=20)
        assert [p.key for p, _ in dialog.related] == [p.key for p, _ in expected]
        assert all(p.categories == ["q-bio.BM"] for p, _ in dialog.related[:5])
        assert expected[0][0].key in app.screen.query_one("#related-list").get_option_at_index(0).prompt.plain
        # The best match is a catalogue entry (background), not in the Inbox: enter goes there.
        outside = next(n for n, (p, _) in enumerate(dialog.related) if p.status is None)
        for _ in range(outside):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, RelatedDialog)
        assert app.library.view == "catalogue"
        assert papers.current_id == dialog.related[outside][0].id
        await pilot.press("R", "escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, RelatedDialog)


async def test_more_like_this_with_hostile_titles_and_no_match(db_path):
    from readr.tui.dialogs import RelatedDialog

    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", title="[b]zygote[/b] quokka"), status="inbox")
        lib.upsert_arxiv(make_record("2101.00002", title="[red]quokka[/red] habitats", abstract="Marsupials."))
        lib.upsert_arxiv(make_record("2101.00003", title="Unrelated", abstract="Nothing here."), status="inbox")
    app = app_for(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        papers = app.library.papers
        papers.move_cursor(list(papers.entries).index(app.store.get("2101.00001").id))
        await settle(pilot, app)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RelatedDialog) and app.screen.related)
        await settle(pilot, app)
        prompt = app.screen.query_one("#related-list").get_option_at_index(0).prompt
        assert "[red]quokka[/red] habitats" in prompt.plain
        assert "More like [b]zygote[/b] quokka" in "\n".join(screen_lines(app, ".dialog-title"))
        await pilot.press("escape")
        await settle(pilot, app)
        papers.move_cursor(list(papers.entries).index(app.store.get("2101.00003").id))
        await settle(pilot, app)
        await pilot.press("R")
        await wait_until(
            pilot, lambda: isinstance(app.screen, RelatedDialog)
            and "No paper" in "\n".join(screen_lines(app, "#related-note")))


async def test_a_failed_ranking_leaves_arrival_order_and_says_why(history, monkeypatch):
    import sqlite3

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ranking, "rank_ids", failing)
    db, _ = history
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await wait_until(pilot, lambda: app.library.inbox_order.error is not None)
        await settle(pilot, app)
        assert listed_keys(app) == app.store.keys_for(list(app.store.view_ids("inbox").ids))
        assert "in arrival order: ranking failed (see details)" in status_text(app)
        assert "ranking failed (OperationalError: disk I/O error)" in " ".join(why_text(app).split())


def test_the_order_and_related_keys_are_no_other_bindings_keys():
    from readr.tui.keys import LIST_BINDINGS, MAIN_BINDINGS, keys_for

    def keys_of(binding):
        return set(keys_for(binding, {}).split(","))

    ours = {b.id: keys_of(b) for b in MAIN_BINDINGS if b.id in ("inbox-order", "related")}
    assert len(ours) == 2
    for binding in [*MAIN_BINDINGS, *LIST_BINDINGS]:
        if binding.id not in ours:
            assert not any(keys_of(binding) & keys for keys in ours.values()), binding.id
