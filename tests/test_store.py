"""The store on temporary libraries: papers, versions, reading state, tags, takeaways, search."""

from __future__ import annotations

import json
from datetime import date

import pytest

from readr.errors import NotFound, ReadrError
from tests.conftest import make_record


def test_a_paper_is_keyed_by_its_base_id_and_keeps_all_metadata(store):
    record = make_record(
        "2202.06709", "Title", version=3, authors=["B. First", "A. Second", "C. Third"],
        categories=["cs.LG", "stat.ML"], primary_category="cs.LG", comment="12 pages", journal_ref="J. 1",
        doi="10.1/x", abs_url="https://arxiv.org/abs/2202.06709v3", pdf_url="https://arxiv.org/pdf/2202.06709v3",
        links=[{"href": "https://arxiv.org/abs/2202.06709v3", "rel": "alternate"}],
    )
    paper, created = store.upsert_arxiv(record)
    assert created
    assert paper.key == paper.arxiv_id == "2202.06709"
    assert paper.authors == ["B. First", "A. Second", "C. Third"]  # order kept
    assert paper.categories == ["cs.LG", "stat.ML"] and paper.primary_category == "cs.LG"
    assert (paper.comment, paper.journal_ref, paper.doi) == ("12 pages", "J. 1", "10.1/x")
    assert paper.status == "to-read" and paper.added_at
    assert paper.latest_version == 3 and paper.read_version == 3
    for ref in ("2202.06709", "2202.06709v1", "arXiv:2202.06709", "https://arxiv.org/pdf/2202.06709v2.pdf"):
        assert store.get(ref).id == paper.id


def test_refresh_updates_metadata_and_latest_version_but_never_reading_state(store):
    store.upsert_arxiv(make_record("1605.08386", "Old title", version=1))
    store.set_summary("1605.08386", "Mine. **Keep this.**")
    store.add_tags(["1605.08386"], ["markov"])
    store.set_status(["1605.08386"], "read", on=date(2024, 1, 3))
    paper, created = store.upsert_arxiv(make_record("1605.08386", "New title", version=2), status="inbox")
    assert not created
    assert paper.title == "New title"
    assert (paper.latest_version, paper.read_version) == (2, 1)
    assert paper.newer_version_available
    assert paper.status == "read" and paper.read_at.startswith("2024-01-03")
    assert paper.summary == "Mine. **Keep this.**" and paper.tags == ["markov"]
    # An older version's record does not overwrite newer metadata.
    paper, _ = store.upsert_arxiv(make_record("1605.08386", "Stale", version=1))
    assert paper.title == "New title" and paper.latest_version == 2


def test_requested_version_is_the_one_the_reader_has(store):
    paper, _ = store.upsert_arxiv(make_record("2104.12255", version=1), have_version=1)
    assert paper.read_version == 1
    paper, _ = store.upsert_arxiv(make_record("2104.12255", version=4))
    assert paper.to_json()["version"] == 1 and paper.latest_version == 4


def test_non_arxiv_entries_are_allowed(store):
    paper, created = store.add_web("https://example.org/blog/post", "A blog post")
    assert created and paper.key.startswith("web-") and paper.arxiv_id is None
    again, created = store.add_web("https://example.org/blog/post", "A blog post")
    assert not created and again.id == paper.id
    assert store.get("https://example.org/blog/post").id == paper.id


def test_tags_are_unique_case_insensitively_and_removed_when_unused(store):
    store.upsert_arxiv(make_record("2101.00001"))
    store.upsert_arxiv(make_record("2101.00002"))
    store.add_tags(["2101.00001", "2101.00002"], ["Graphs", "graphs", "GRAPHS", "ml"])
    assert store.get("2101.00001").tags == ["Graphs", "ml"]
    assert dict(store.tags_with_counts()) == {"Graphs": 2, "ml": 2}
    store.remove_tags(["2101.00001", "2101.00002"], ["ml"])
    assert dict(store.tags_with_counts()) == {"Graphs": 2}
    with pytest.raises(ReadrError):
        store.add_tags(["2101.00001"], ["  "])


def test_takeaways_follow_every_summary_change(store):
    store.upsert_arxiv(make_record("2101.00001"))
    paper = store.set_summary("2101.00001", "Intro. **First point.** More **.** text \\*\\*not bold\\*\\*. **Second.**")
    assert paper.takeaways == ["First point.", "Second."]
    paper = store.set_summary("2101.00001", "Now **only this**.")
    assert paper.takeaways == ["only this"]
    assert [t for _, t in store.takeaways_list()] == ["only this"]
    paper = store.set_summary("2101.00001", "")
    assert paper.takeaways == [] and store.takeaways_list() == []


def test_reading_order_and_week_listing(store):
    for n in range(1, 5):
        store.upsert_arxiv(make_record(f"2101.0000{n}", f"Paper {n}"))
    store.set_status(["2101.00003"], "read", on=date(2024, 5, 6))
    store.set_status(["2101.00001"], "read", on=date(2024, 5, 6))
    store.set_status(["2101.00002"], "read", on=date(2024, 5, 8))
    store.set_status(["2101.00004"], "read", on=date(2024, 5, 13))  # next week
    week = store.read_between(date(2024, 5, 6), date(2024, 5, 12))
    assert [p.key for p in week] == ["2101.00003", "2101.00001", "2101.00002"]
    # Marking read again without a date keeps the original date and place.
    store.set_status(["2101.00003"], "read")
    assert [p.key for p in store.read_between(date(2024, 5, 6), date(2024, 5, 12))][0] == "2101.00003"
    store.set_status(["2101.00003"], "to-read")
    paper = store.get("2101.00003")
    assert paper.read_at is None and paper.status == "to-read"


def test_status_must_be_known(store):
    store.upsert_arxiv(make_record("2101.00001"))
    with pytest.raises(ReadrError):
        store.set_status(["2101.00001"], "done")


def test_delete_and_undo_with_snapshot(store):
    store.upsert_arxiv(make_record("2101.00001", "Keep me"))
    store.set_summary("2101.00001", "A **point**.")
    store.add_tags(["2101.00001"], ["x"])
    snap = store.snapshot(["2101.00001"])
    store.delete(["2101.00001"])
    with pytest.raises(NotFound):
        store.get("2101.00001")
    assert store.search("Keep") == []
    store.restore(snap)
    paper = store.get("2101.00001")
    assert paper.title == "Keep me" and paper.tags == ["x"] and paper.takeaways == ["point"]
    assert [h.paper.key for h in store.search("Keep")] == ["2101.00001"]


def test_control_characters_are_stripped_on_the_way_in(store):
    record = make_record("2101.00001", "Evil\x1b]0;pwned\x07 title\x9b31m", abstract="a\x00b\r\nc")
    paper, _ = store.upsert_arxiv(record)
    assert paper.title == "Evil]0;pwned title31m"
    assert paper.abstract == "ab\nc"
    paper = store.set_summary("2101.00001", "x\x1b[2Jy")
    assert paper.summary == "x[2Jy"


def test_counts_and_catalogue_entries(store):
    store.upsert_arxiv(make_record("2101.00001"))
    store.upsert_arxiv(make_record("2101.00002"), status=None)
    counts = store.counts()
    assert counts["to-read"] == 1 and counts["catalogue"] == 1 and counts["all"] == 1
    assert [p.key for p in store.list_papers()] == ["2101.00001"]
    assert {p.key for p in store.list_papers(include_catalogue=True)} == {"2101.00001", "2101.00002"}
    # Adding a catalogue entry puts it on the reading list.
    paper, created = store.upsert_arxiv(make_record("2101.00002"), status="to-read")
    assert not created and paper.status == "to-read"


def test_search_covers_every_field(store):
    store.upsert_arxiv(make_record("2101.00001", "Quasicrystal growth", authors=["Marie Curie"], abstract="Lattice."))
    store.upsert_arxiv(make_record("2101.00002", "Other", abstract="Nothing here about crystals."))
    store.set_summary("2101.00002", "We learned **sparsification wins**.")
    store.add_tags(["2101.00001"], ["materials"])
    def keys(q):
        return [h.paper.key for h in store.search(q)]
    assert keys("quasicrystal") == ["2101.00001"]
    assert keys("curie") == ["2101.00001"]
    assert keys("lattice") == ["2101.00001"]
    assert keys("sparsification") == ["2101.00002"]  # summary and its takeaway
    assert keys("materials") == ["2101.00001"]  # tags
    assert keys("qua") == ["2101.00001"]  # 3-letter prefix
    assert keys("qu") == []  # too short to be a prefix


def test_search_filters(store):
    store.upsert_arxiv(make_record("2101.00001", "Alpha", categories=["hep-th"], published="2019-01-01T00:00:00"))
    store.upsert_arxiv(make_record("2101.00002", "Alpha beta", categories=["cs.LG", "stat.ML"], published="2021-01-01"))
    store.add_tags(["2101.00002"], ["Deep Learning"])
    store.set_status(["2101.00001"], "read", on=date(2024, 5, 8))
    def keys(q):
        return sorted(h.paper.key for h in store.search(q))
    assert keys("alpha tag:\"deep learning\"") == ["2101.00002"]
    assert keys("status:read") == ["2101.00001"]
    assert keys("cat:cs") == ["2101.00002"]
    assert keys("cat:hep-th alpha") == ["2101.00001"]
    assert keys("year:2021") == ["2101.00002"]
    assert keys("year:2018..2020") == ["2101.00001"]
    assert keys("week:2024-05-12") == ["2101.00001"]
    assert keys("author:lovelace") == ["2101.00001", "2101.00002"]
    assert keys("2101.00002") == ["2101.00002"]
    assert keys("arXiv:2101.00001v3") == ["2101.00001"]


@pytest.mark.parametrize(
    "text", ['"', "-", "AND", "OR", "NOT", "C++", "arXiv:2401.00001", "*", "", "   ", "a.b", "don't", "(", ")",
             "NEAR(a b)", "title:x", "^x", "a OR", "\"unbalanced", "tag:", "col : x", "{title}: x", "'", "\\",
             "%", "_"],
)
def test_any_search_input_is_safe(store, text):
    from readr.errors import QueryError

    store.upsert_arxiv(make_record("2101.00001", "C++ and AND don't"))
    try:
        store.search(text)  # must not raise anything but a one-line QueryError
    except QueryError as exc:
        assert text in ("title:x", "tag:") and "\n" not in str(exc)


def test_search_ranks_only_a_capped_candidate_set(store):
    from readr.store import CANDIDATES

    with store.write() as conn:
        conn.executemany(
            "INSERT INTO papers (key, title, status) VALUES (?, ?, 'to-read')",
            [(f"k{i}", "common word") for i in range(CANDIDATES + 50)],
        )
    hits = store.search("common", limit=10)
    assert len(hits) == 10
    assert store.count_matches(__import__("readr.query").query.parse_query("common")) == CANDIDATES


def test_writes_from_two_connections_do_not_lock(db_path):
    import threading

    from readr.store import Store

    errors = []

    def writer(prefix):
        try:
            with Store(db_path) as lib:
                for i in range(50):
                    lib.add_web(f"https://example.org/{prefix}/{i}", f"{prefix} {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    Store(db_path).close()
    threads = [threading.Thread(target=writer, args=(p,)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db_path) as lib:
        assert lib.counts()["to-read"] == 100


def test_reading_list_searches_use_their_own_index_and_it_follows_every_change(store):
    from readr.query import parse_query

    store.upsert_arxiv(make_record("2101.00001", "Quasar catalogue entry"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "Quasar on my list"))
    def reading(q):
        return [h.paper.key for h in store.search(q, include_catalogue=False)]
    assert reading("quasar") == ["2101.00002"]
    assert sorted(h.paper.key for h in store.search("quasar")) == ["2101.00001", "2101.00002"]
    # Catalogue entry joins the reading list: it becomes findable there, with later edits.
    store.upsert_arxiv(make_record("2101.00001", "Quasar catalogue entry"), status="to-read")
    store.set_summary("2101.00001", "Blazars **matter**.")
    store.add_tags(["2101.00002"], ["radio"])
    assert reading("blazars") == ["2101.00001"]
    assert reading("radio") == ["2101.00002"]
    assert reading("status:to-read quasar") and store.count_matches(parse_query("quasar"), include_catalogue=False) == 2
    store.delete(["2101.00002"])
    assert reading("quasar") == ["2101.00001"]
    assert store.fts_problems() is None


def test_upgrading_a_version_3_library_indexes_its_reading_list(tmp_path):
    import shutil
    from pathlib import Path

    from readr.store import Store

    fixture = Path(__file__).parent / "fixtures" / "schemas" / "library-v3.db"
    path = tmp_path / "old.db"
    shutil.copy(fixture, path)
    with Store(path) as lib:
        on_list = [p for p in lib.list_papers() if p.title]
        assert on_list
        word = on_list[0].title.split()[0]
        assert on_list[0].key in [h.paper.key for h in lib.search(word, include_catalogue=False)]
        assert lib.fts_problems() is None


def test_json_columns_of_a_batch_read_as_each_one_alone():
    from readr.store.papers import _json_column, _json_columns

    texts = ['["A. One", "B. Two"]', "[]", '["\\u00e9 \\"quoted\\", comma"]', '["x"]']
    assert _json_columns(texts) == [_json_column(t) for t in texts]
    # texts that do not read as one value each go one by one: the same values, or the same error
    with pytest.raises(json.JSONDecodeError):
        _json_columns(['1, 2', '[3]'])
    with pytest.raises(json.JSONDecodeError):
        _json_columns(['["a"]', '["b"'])
    assert _json_columns([]) == []
