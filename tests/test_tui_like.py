"""like:TAG in the TUI's search bar, and the reader's mute and boost rules in the ranked Inbox:
the order, the score bars, the reasons in the detail pane, the notes and errors, all ranked in
workers off the UI thread."""

from __future__ import annotations

import threading

import pytest

from readr import tag_ranking
from readr.config import change_rank_rules
from readr.store import Store
from tests.test_ranking import AUTHORS
from tests.test_tag_ranking import tagged_library
from tests.test_tui_ranking import listed_keys, open_inbox, row_text, status_text, why_text
from tests.tui_support import app_for, settle, wait_until

pytest.importorskip("textual")


@pytest.fixture
def library(db_path):
    with Store(db_path) as lib:
        inbox = tagged_library(lib)
    return db_path, inbox


async def search(pilot, app, text: str) -> None:
    app.screen.query_one("#search").value = text
    await wait_until(pilot, lambda: not app.library.like_order.ranking and app.library.like_order.tag is not None
                     or app.library._query_error is not None)
    await settle(pilot, app)


async def test_like_orders_a_search_by_the_tags_model_in_a_worker(library, monkeypatch):
    db, inbox = library
    trained_on: list[threading.Thread] = []
    train = tag_ranking.train

    def recording_train(*args, **kwargs):
        trained_on.append(threading.current_thread())
        return train(*args, **kwargs)

    monkeypatch.setattr(tag_ranking, "train", recording_train)
    app = app_for(db)
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot, app)
        await search(pilot, app, "like:bio status:inbox")
        keys = listed_keys(app)
        assert set(keys[:6]) == set(inbox["proteins"]) and len(keys) == 18
        assert trained_on and threading.main_thread() not in trained_on
        # Saving the tag's model is a write the screen notices and reloads for: wait for its ranking.
        await wait_until(pilot, lambda: "most like #bio first" in status_text(app))
        await settle(pilot, app)
        assert listed_keys(app) == keys
        assert app.library.papers.cursor == 0
        assert "█████" in row_text(app, 0)
        why = why_text(app)
        assert why.startswith("like #bio ") and float(why.split()[2]) == pytest.approx(
            app.library.like_order.scores[app.library.papers.current_id], abs=0.01), why
        # The reader's model is not the one shown: the Inbox by relevance puts their optics higher.
        await search(pilot, app, "")
        await open_inbox(pilot, app)
        assert why_text(app).startswith("for you")


async def test_like_with_an_unknown_tag_or_too_few_papers_says_so(db_path):
    with Store(db_path) as lib:
        tagged_library(lib, tagged=1)
    app = app_for(db_path)
    async with app.run_test(size=(150, 36)) as pilot:
        await settle(pilot, app)
        await search(pilot, app, "like:nosuch")
        assert "like:nosuch: no paper is tagged nosuch (your tags: bio)" in " ".join(status_text(app).split())
        app.library._query_error = None
        await search(pilot, app, "like:bio status:inbox")
        assert "in the usual order: too few papers tagged bio (see details)" in status_text(app)
        assert "like:bio learns from at least 3 papers tagged bio (you have 1)" in " ".join(why_text(app).split())
        assert "█" not in row_text(app, 0)


async def test_muted_and_boosted_papers_say_why_in_the_ranked_inbox(library):
    db, inbox = library
    change_rank_rules("mute", "author", [AUTHORS["graphs"]])
    change_rank_rules("boost", "category", ["q-bio"])
    app = app_for(db)
    async with app.run_test(size=(130, 36)) as pilot:
        await open_inbox(pilot, app)
        keys = listed_keys(app)
        graces = [k for k in keys if AUTHORS["graphs"] in app.store.get(k).authors]
        assert graces and keys[-len(graces):] == graces
        assert why_text(app).split(" · ")[0].split("  ")[-1] == "boosted: category q-bio"
        app.library.papers.move_cursor(len(keys) - 1)
        await settle(pilot, app)
        assert f"muted: author {AUTHORS['graphs']}" in why_text(app)
        assert "█" not in row_text(app, len(keys) - 1)  # the smallest bar; the others span the unmuted scores
        assert "█████" in row_text(app, 0)


async def test_triage_in_a_like_search_keeps_its_order_and_the_cursor_on_the_next_paper(library):
    db, inbox = library
    app = app_for(db)
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot, app)
        await search(pilot, app, "like:bio status:inbox")
        before = listed_keys(app)
        papers = app.library.papers
        papers.move_cursor(2)
        await settle(pilot, app)
        app.set_focus(papers)
        await pilot.press("d")
        await wait_until(pilot, lambda: before[2] not in listed_keys(app))
        await wait_until(pilot, lambda: not app.library.like_order.ranking)
        await settle(pilot, app)
        assert app.store.get(before[2]).status == "dismissed"
        assert listed_keys(app) == [k for k in before if k != before[2]]
        assert papers.current_id == app.store.get(before[3]).id
