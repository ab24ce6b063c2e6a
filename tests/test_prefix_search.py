"""Prefix search as you type on the whole catalogue: the last word, written as an OR of the words
the index holds under it (readr.store.search), matches exactly what FTS5's own `"word"*` matches,
whatever changed since the word list was rebuilt."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readr.maintenance import check
from readr.query import parse_query
from readr.store import CANDIDATES, Store
from readr.store import search as search_module
from tests.conftest import make_record


@contextmanager
def native_prefix():
    """Searches inside use FTS5's own prefix query (as when a prefix covers too many words)."""
    with patch.object(search_module, "prefix_alternatives", lambda conn, word, cap=None: None):
        yield


@contextmanager
def expanded_to(words: list[str]):
    with patch.object(search_module, "prefix_alternatives", lambda conn, word, cap=None: words):
        yield


def index_words(store, prefix: str) -> list[str]:
    """The words papers_fts holds under `prefix`, read from the index itself."""
    store.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.test_vocab USING fts5vocab (main, papers_fts, 'row')")
    return sorted(row[0] for row in store.conn.execute("SELECT term FROM temp.test_vocab") if row[0].startswith(prefix))


def expression(store, text: str) -> str:
    return store._match_expression(parse_query(text), "papers_fts")


def delta_words(store) -> list[str]:
    store.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.test_new USING fts5vocab (main, fts_terms_new, 'row')")
    return [row[0] for row in store.conn.execute("SELECT term FROM temp.test_new")]


def cached_words(store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT term FROM fts_terms")]


def assert_same_as_native(store, text: str, **kwargs) -> None:
    """Same papers as `"word"*` (all of them, counted and listed); same order as the OR of exactly
    the index's words (the word list's extra words change nothing); same order as `"word"*` when
    at most one word under the prefix occurs: with several, bm25 weighs each word by its own
    document frequency where `"word"*` pools them (readr.store.search). Same snippets here, where
    every field is shorter than a snippet (in longer ones FTS5 may pick another window)."""
    query = parse_query(text)
    got = store.search_ids(query, limit=CANDIDATES, **kwargs)
    count = store.count_matches(query, **kwargs)
    ids = [i for i, _ in got]
    matches = store.search_matches(query, ids)
    with native_prefix():
        native = store.search_ids(query, limit=CANDIDATES, **kwargs)
        assert count == store.count_matches(query, **kwargs)
        assert matches == store.search_matches(query, ids)
    assert sorted(ids) == sorted(i for i, _ in native), text
    if not query.prefix_last:
        assert got == native
        return
    *head, last = search_module.fts_tokens(store.conn, query.terms[-1])
    words = index_words(store, last)
    if len(words) <= 1:
        assert got == native, text  # one word: the same phrase, bit for bit the same bm25
    with expanded_to([" ".join([*head, w]) for w in words] or [" ".join([*head, last])]):
        assert got == store.search_ids(query, limit=CANDIDATES, **kwargs), text


def test_the_prefix_becomes_an_or_of_the_words_under_it(store):
    store.upsert_arxiv(make_record("2101.00001", "Neural networks"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "Netted nets"), status=None)
    store.upsert_arxiv(make_record("2101.00003", "Neutrinos", abstract="Nothing."), status="to-read")
    assert expression(store, "neural net") == '"neural" AND ("nets" OR "netted" OR "networks")'
    assert expression(store, "neu") == '("neural" OR "neutrinos")'  # the reading list's words too
    assert expression(store, "author:Lovelace neural net") == (
        '"neural" AND ("nets" OR "netted" OR "networks") AND authors_text : "Lovelace"'
    )
    assert expression(store, "neural ") == '"neural"'  # no prefix: nothing to expand
    assert expression(store, "xyz") == '("xyz")'  # no word under it: the word itself, which matches nothing
    assert [h.paper.key for h in store.search("neural net")] == ["2101.00001"]
    assert {h.paper.key for h in store.search("net")} == {"2101.00001", "2101.00002"}
    for text in ("neural net", "net", "neu", "xyz", "author:Lovelace neural net", "author:nobody net"):
        assert_same_as_native(store, text)


def test_a_prefix_ranks_by_its_common_words_not_by_a_rare_one(store):
    # The reader typing "neural net" means network: as an OR, bm25 would put the one paper with
    # the rare "netete" first (its own document frequency makes it weigh most); `"net"*` pools
    # the words, and so does ranking by the common words under the prefix.
    for n in range(40):
        record = make_record(f"2101.{n:05d}", f"Neural network study {n}", abstract="Neural network.")
        store.upsert_arxiv(record, status=None)
    store.upsert_arxiv(make_record("2101.00100", "Neural netete", abstract="A neural netete."), status=None)
    store.rebuild_derived()
    query = parse_query("neural net")
    got = [store.keys_for([i])[0] for i, _ in store.search_ids(query, limit=CANDIDATES)]
    with expanded_to(["netete", "network"]), patch.object(search_module, "common_prefix_alternatives",
                                                         lambda conn, word: None):
        as_or = [store.keys_for([i])[0] for i, _ in store.search_ids(query, limit=CANDIDATES)]
    assert as_or[0] == "2101.00100"  # what a plain OR does
    assert got[0] != "2101.00100" and got[-1] == "2101.00100"  # still found, ranked after the common word
    assert sorted(got) == sorted(as_or)
    assert store.conn.execute("SELECT docs FROM fts_terms WHERE term = 'network'").fetchone()[0] == 40


def test_case_and_diacritics_fold_as_fts5_folds_them(store):
    store.upsert_arxiv(make_record("2101.00001", "Modèles linéaires"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "MODELLING"), status=None)
    store.upsert_arxiv(make_record("2101.00003", "Straße"), status=None)
    for text in ("Modèl", "model", "MODÉ", "mode\u0300l", "linéa", "Straß", "strasse"):
        assert_same_as_native(store, text)
    assert expression(store, "Modèl") == '("modeles" OR "modelling")'
    assert {h.paper.key for h in store.search("Modèl")} == {"2101.00001", "2101.00002"}
    assert [h.paper.key for h in store.search("Straß")] == ["2101.00003"]


def test_a_word_fts5_splits_expands_its_last_piece(store):
    store.upsert_arxiv(make_record("2101.00001", "See arXiv:2401.00012 and arXiv:2401.5"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "state-of-the-art stateful"), status=None)
    assert expression(store, "arXiv:2401.0") == '("arxiv 2401 00012")'
    assert expression(store, "state-of-the-art") == '("state of the art")'
    for text in ("arXiv:2401.0", "arXiv:2401.5", "state-of-the-a", "C++ state", "___ stat", "_ state"):
        assert_same_as_native(store, text)


def test_too_many_words_under_a_prefix_use_the_native_query(store, monkeypatch):
    for i, word in enumerate(["neta", "netb", "netc"]):
        store.upsert_arxiv(make_record(f"2101.0000{i + 1}", word), status=None)
    monkeypatch.setattr(search_module, "MAX_PREFIX_WORDS", 2)
    assert expression(store, "net") == '"net"*'
    assert len(store.search("net")) == 3
    monkeypatch.setattr(search_module, "MAX_PREFIX_WORDS", 3)
    assert expression(store, "net").startswith('("net')


def test_catalogue_changes_after_a_rebuild_are_found_at_once(store):
    store.upsert_arxiv(make_record("2101.00001", "Zeolites"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "On the list", abstract="Plain."), status="to-read")
    store.rebuild_derived()
    assert "zeolites" in cached_words(store) and delta_words(store) == []

    store.upsert_arxiv(make_record("2101.00003", "Zeolitic frameworks"), status=None)  # a new catalogue entry
    store.upsert_arxiv(make_record("2101.00001", "Zebrafish zeolites", version=2), status=None)  # a changed one
    with store.write() as conn:  # a paper leaves the reading list (no command does it; the schema allows it)
        conn.execute("UPDATE papers SET status = NULL, abstract = 'Plain zygotes.' WHERE arxiv_id = '2101.00002'")
    assert "zeolitic" not in cached_words(store)
    assert {"zeolitic", "zebrafish", "zygotes"} <= set(delta_words(store))
    assert expression(store, "zeol") == '("zeolites" OR "zeolitic")'
    assert {h.paper.key for h in store.search("zeol")} == {"2101.00001", "2101.00003"}
    assert [h.paper.key for h in store.search("zebr")] == ["2101.00001"]
    assert [h.paper.key for h in store.search("zygo")] == ["2101.00002"]
    for text in ("zeol", "zebr", "zygo", "fram", "plai"):
        assert_same_as_native(store, text)
    assert check(store).ok

    # Unchanged text writes nothing to the new words; a rebuild moves them into the word list.
    store.rebuild_derived()
    assert delta_words(store) == [] and {"zeolitic", "zebrafish", "zygotes"} <= set(cached_words(store))
    store.upsert_arxiv(make_record("2101.00003", "Zeolitic frameworks", version=3), status=None)
    assert delta_words(store) == []
    assert_same_as_native(store, "zeol")


def test_reading_list_words_are_found_without_a_rebuild(store):
    store.upsert_arxiv(make_record("2101.00001", "A paper"), status="to-read")
    store.rebuild_derived()
    store.set_summary("2101.00001", "Mentions **quokkas**.")
    store.add_tags(["2101.00001"], ["quolls"])
    assert "quokkas" not in cached_words(store) and delta_words(store) == []
    assert expression(store, "quo") == '("quokkas" OR "quolls")'
    assert [h.paper.key for h in store.search("quok")] == ["2101.00001"]
    assert_same_as_native(store, "quo")


def test_check_finds_a_word_list_that_misses_words_and_repair_rebuilds_it(store, cli):
    store.upsert_arxiv(make_record("2101.00001", "Quasicrystals"), status=None)
    store.upsert_arxiv(make_record("2101.00002", "Kept", abstract="Notes."), status="to-read")
    report = check(store)
    assert report.ok and "ok: search as you type knows every word of the search index" in report.lines()
    with store.write() as conn:
        conn.execute("DELETE FROM fts_terms")
        conn.execute("INSERT INTO fts_terms_new (fts_terms_new) VALUES ('delete-all')")
    assert store.prefix_words_missing()[0] > 0
    assert "quasicrystals" in store.prefix_words_missing()[1]
    assert "kept" not in store.prefix_words_missing()[1]  # the reading list's own index has it
    assert [h.paper.key for h in store.search("quasi")] == []  # what the check is about
    report = check(store)
    finding = next(f for f in report.findings if f.name == "prefix-search")
    assert not finding.ok and finding.repairable
    assert "search as you type does not know" in finding.message and "quasicrystals" in finding.message
    result = cli("check")
    assert result.exit_code == 1 and "readr check --repair" in result.stdout
    repaired = cli("check", "--repair")
    assert repaired.exit_code == 0, repaired.stdout
    assert "repaired: prefix-search" in repaired.stdout
    assert store.prefix_words_missing() == (0, [])
    assert [h.paper.key for h in store.search("quasi")] == ["2101.00001"]


def test_repair_brings_back_a_missing_word_list_trigger(store):
    with store.write() as conn:
        conn.execute("DROP TRIGGER papers_fts_terms_update")
        conn.execute("DROP TRIGGER library_fts_update")
    report = check(store)
    assert not report.ok and "papers_fts_terms_update" in "\n".join(report.lines())
    assert check(store, repair=True).ok
    store.upsert_arxiv(make_record("2101.00001", "First"), status=None)
    store.upsert_arxiv(make_record("2101.00001", "Quetzals", version=2), status=None)
    assert [h.paper.key for h in store.search("quetz")] == ["2101.00001"]
    assert check(store).ok


@pytest.mark.parametrize("mode", ["rebuild", "triggers"])
def test_a_catalogue_import_leaves_every_word_in_the_word_list(store, mode):
    from readr.catalogue import import_files
    from tests.test_catalogue import KAGGLE

    store.upsert_arxiv(make_record("2101.00001", "Before the import"), status=None)
    import_files(store, [KAGGLE], fts_mode=mode)
    assert delta_words(store) == []
    assert store.prefix_words_missing() == (0, [])
    assert {"diphoton", "before"} <= set(cached_words(store))
    for text in ("tevat", "pebb", "diph", "befor", "calcul"):
        assert_same_as_native(store, text)


def test_snippets_highlight_every_word_under_the_prefix(store):
    store.upsert_arxiv(make_record("2101.00001", "Nets of networks", abstract="A net."), status=None)
    query = parse_query("net")
    paper_id = store.get("2101.00001").id
    match = store.search_matches(query, [paper_id])[paper_id]
    assert match.field == "title"
    assert [match.snippet[a:b] for a, b in match.highlights] == ["Nets", "networks"]
    assert sorted(match.fields) == ["abstract", "title"]


# --- any library, any change, any prefix ---------------------------------------------------------

WORD = st.text(alphabet="aáeénsßø", min_size=1, max_size=6)
PAPER = st.tuples(
    st.lists(WORD, min_size=1, max_size=4),  # title
    st.lists(WORD, max_size=5),  # abstract
    st.sampled_from([None, None, "to-read", "read"]),
    st.sampled_from([["Ada Lovelace"], ["Émile Ünicode", "Ada Lovelace"], ["Marie Curie"]]),
)
CHANGE = st.tuples(st.integers(min_value=0, max_value=30), st.sampled_from(["title", "leave", "join", "summary"]),
                   st.lists(WORD, min_size=1, max_size=3))


def _fill(lib, papers, first):
    for n, (title, abstract, status, authors) in enumerate(papers, start=first):
        lib.upsert_arxiv(
            make_record(f"2101.{n:05d}", " ".join(title), abstract=" ".join(abstract), authors=authors), status=status
        )


def _change(lib, count, change):
    index, kind, words = change
    arxiv_id = f"2101.{index % count:05d}"
    text = " ".join(words)
    if kind == "title":
        lib.upsert_arxiv(make_record(arxiv_id, text, version=9), status=None)
    elif kind == "leave":
        with lib.write() as conn:
            conn.execute("UPDATE papers SET status = NULL WHERE arxiv_id = ?", (arxiv_id,))
    elif kind == "join":
        with lib.write() as conn:
            conn.execute("UPDATE papers SET status = 'inbox' WHERE arxiv_id = ?", (arxiv_id,))
    elif lib.get(arxiv_id).status is not None:
        lib.set_summary(arxiv_id, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(PAPER, min_size=1, max_size=12),
    after=st.lists(PAPER, max_size=6),
    changes=st.lists(CHANGE, max_size=6),
    rebuild=st.booleans(),
    queries=st.lists(
        st.tuples(st.lists(WORD, max_size=2), WORD, st.sampled_from(["", "author:ada ", "author:émile "])),
        min_size=1, max_size=6,
    ),
)
def test_any_prefix_matches_what_fts5_matches(before, after, changes, rebuild, queries):
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "t.db") as lib:
            _fill(lib, before, 0)
            if rebuild:
                lib.rebuild_derived()
            _fill(lib, after, len(before))
            for change in changes:
                _change(lib, len(before) + len(after), change)
            assert lib.prefix_words_missing() == (0, [])
            words = sorted({w for p in before + after for w in p[0] + p[1]} | {w for c in changes for w in c[2]})
            for head, last, author in queries:
                # The start of a word the library holds (3+ characters), or any word.
                starts = [w[:len(last) + 2] for w in words if len(w) >= 3 and w[:1] == last[:1]]
                word = starts[0] if starts else last.ljust(3, "a")
                for text in (author + " ".join([*head, word]), " ".join([*head, word])):
                    assert_same_as_native(lib, text)
                    assert_same_as_native(lib, text, include_catalogue=False)
