"""The store side of the TUI list (readr.store.views) and the headless parts of readr.tui."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date, datetime

import pytest

from readr.query import parse_query
from readr.store.views import VIEW_STATUSES, group_by_week, view_query
from readr.tui.dialogs import complete_tag, split_tag_input
from readr.drafts import Drafts
from tests.conftest import make_record


def _library(store):
    store.upsert_arxiv(make_record("2101.00001", "Quantum walks", authors=["Ann One", "Bo Two", "Cy Three"]))
    store.upsert_arxiv(make_record("2101.00002", "Graph neural networks"), status="inbox")
    store.upsert_arxiv(make_record("2101.00003", "Spin glasses"), status="reading")
    store.upsert_arxiv(make_record("2101.00004", "Old catalogue entry"), status=None)
    store.upsert_arxiv(make_record("2101.00005", "Dismissed one"), status="dismissed")
    store.upsert_arxiv(make_record("2101.00006", "Read on Monday"))
    store.upsert_arxiv(make_record("2101.00007", "Read on Tuesday"))
    store.upsert_arxiv(make_record("2101.00008", "Read the week before"))
    for n, key in enumerate(["2101.00001", "2101.00002", "2101.00003", "2101.00004", "2101.00005",
                             "2101.00006", "2101.00007", "2101.00008"]):
        if key != "2101.00004":
            store.set_added_at(key, datetime(2024, 3, 1 + n, 9))
    store.set_status(["2101.00007"], "read", on=datetime(2024, 3, 12, 10))  # Tuesday
    store.set_status(["2101.00006"], "read", on=datetime(2024, 3, 11, 10))  # Monday, marked later
    store.set_status(["2101.00008"], "read", on=datetime(2024, 3, 6, 10))
    store.add_tags(["2101.00001", "2101.00003"], ["physics"])
    store.set_summary("2101.00003", "We find **glass**.")


def keys(store, result):
    return store.keys_for(list(result.ids))


def test_all_is_the_reading_list_newest_first(store):
    _library(store)
    result = store.view_ids("all")
    assert keys(store, result) == [
        "2101.00008", "2101.00007", "2101.00006", "2101.00003", "2101.00002", "2101.00001"]
    assert not result.headers and not result.ranked


def test_status_views_and_tag_views(store):
    _library(store)
    assert keys(store, store.view_ids("inbox")) == ["2101.00002"]
    assert keys(store, store.view_ids("dismissed")) == ["2101.00005"]
    assert keys(store, store.view_ids("tag:physics")) == ["2101.00003", "2101.00001"]
    assert keys(store, store.view_ids("tag:nothing")) == []
    with pytest.raises(ValueError):
        store.view_ids("nonsense")


def test_read_is_grouped_by_week_newest_week_first_each_week_in_reading_order(store):
    _library(store)
    result = store.view_ids("read", week_start=0)
    # Monday's before Tuesday's, as in the digest (by read date, though Monday's was marked later).
    assert keys(store, result) == ["2101.00006", "2101.00007", "2101.00008"]
    assert result.headers == {0: (date(2024, 3, 11), date(2024, 3, 17)), 2: (date(2024, 3, 4), date(2024, 3, 10))}
    # A week starting on Tuesday splits them differently.
    result = store.view_ids("read", week_start=1)
    assert set(result.headers.values()) == {
        (date(2024, 3, 12), date(2024, 3, 18)), (date(2024, 3, 5), date(2024, 3, 11))}


def test_search_inside_a_view(store):
    _library(store)
    assert keys(store, store.view_ids("all", parse_query("glass"))) == ["2101.00003"]  # summary text
    assert keys(store, store.view_ids("inbox", parse_query("glass"))) == []
    assert store.view_ids("all", parse_query("glass")).ranked
    # An explicit status: filter inside All is obeyed; inside another view it intersects.
    assert keys(store, store.view_ids("all", parse_query("status:dismissed"))) == ["2101.00005"]
    assert keys(store, store.view_ids("inbox", parse_query("status:read"))) == []
    # The catalogue is never in a view.
    assert keys(store, store.view_ids("all", parse_query("catalogue"))) == []


def test_catalogue_view_is_every_paper_most_recently_added_first(store):
    _library(store)
    result = store.view_ids("catalogue")
    # Every paper, catalogue entries and dismissed ones included, by row id (bulk imports leave
    # added_at empty); never grouped by week.
    assert keys(store, result) == [f"2101.0000{n}" for n in range(8, 0, -1)]
    assert not result.headers and not result.ranked
    first = store.view_ids("catalogue", limit=3)
    assert keys(store, first) == ["2101.00008", "2101.00007", "2101.00006"] and first.partial


def test_search_in_the_catalogue_view_finds_catalogue_entries(store):
    _library(store)
    found = store.view_ids("catalogue", parse_query("catalogue"))
    assert keys(store, found) == ["2101.00004"] and found.ranked
    # Filters still narrow it: a status: filter, a tag.
    assert keys(store, store.view_ids("catalogue", parse_query("status:dismissed"))) == ["2101.00005"]
    assert keys(store, store.view_ids("catalogue", parse_query("tag:physics quantum"))) == ["2101.00001"]
    assert keys(store, store.view_ids("catalogue", parse_query("status:inbox catalogue"))) == []


def test_status_counts_count_the_catalogue_view(store):
    _library(store)
    assert store.status_counts()["catalogue"] == 8


def test_view_query_does_not_change_the_callers_query():
    query = parse_query("tag:a words")
    restricted = view_query("tag:b", query)
    assert query.tags == ["a"] and query.statuses == []
    assert restricted.tags == ["a", "b"] and restricted.statuses == list(VIEW_STATUSES["all"])


def test_first_page_then_the_rest(store):
    _library(store)
    first = store.view_ids("all", limit=2)
    assert keys(store, first) == ["2101.00008", "2101.00007"] and first.partial
    assert not store.view_ids("all", limit=50).partial


def test_list_rows_are_light_and_complete(store):
    _library(store)
    paper = store.get("2101.00001")
    store.conn.execute("UPDATE papers SET latest_version = 3 WHERE id = ?", (paper.id,))
    rows = store.list_rows([paper.id, store.get("2101.00003").id])
    row = rows[paper.id]
    assert (row.key, row.status, row.title) == ("2101.00001", "to-read", "Quantum walks")
    assert row.authors == ["Ann One", "Bo Two", "Cy Three"] and row.tags == ["physics"]
    assert row.newer_version and not row.has_summary
    assert rows[store.get("2101.00003").id].has_summary


def test_status_counts_leave_dismissed_out_of_all(store):
    _library(store)
    counts = store.status_counts()
    assert counts["all"] == 6 and counts["dismissed"] == 1 and counts["read"] == 3


def test_group_by_week_keeps_undated_last():
    ids, headers = group_by_week([1, 2, 3], ["2024-03-12T00:00:00", None, "2024-03-01T00:00:00"], 0)
    assert list(ids) == [1, 3, 2]
    assert sorted(headers) == [0, 1]


def test_worker_connections_are_released(store):
    _library(store)
    before = len(store._pool._all)

    def work():
        store.view_ids("all")
        store.release_thread_connection()

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store._pool._all) == before


def test_drafts_round_trip_old_style_ids(tmp_path):
    drafts = Drafts(tmp_path / "drafts")
    drafts.save("hep-ex/0406020", "text **one**")
    drafts.save("2101.00001", "two")
    assert drafts.load("hep-ex/0406020") == "text **one**"
    assert drafts.keys() == ["2101.00001", "hep-ex/0406020"]
    drafts.discard("hep-ex/0406020")
    assert drafts.load("hep-ex/0406020") is None
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == ["2101.00001.md"]  # no temporaries


def test_tag_input_and_completion():
    add, remove = split_tag_input("a, #b, -c")
    assert (add, remove) == (["a", "b"], ["c"])
    tags = ["biology", "Bayes", "graphs"]
    assert complete_tag("bio", tags) == "biology"
    assert complete_tag("x, gr", tags) == "x, graphs"
    assert complete_tag("-bay", tags) == "-bayes"  # keeps what was typed, completes the rest
    assert complete_tag("biology", tags) is None
    assert complete_tag("", tags) is None


def test_headless_modules_do_not_import_textual():
    code = (
        "import sys; import readr.store.views, readr.drafts, readr.cli; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
