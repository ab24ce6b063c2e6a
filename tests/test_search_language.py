"""Searching as written: terms with symbols the index drops (C++, C#, .NET), filters readr does
not know or that have no value, and saying how many results there are beyond those shown."""

from __future__ import annotations

import pytest

from readr.errors import QueryError
from readr.query import parse_query
from readr.store import CANDIDATES
from tests.conftest import make_record

TITLES = {
    "2101.00001": "Fast C++ templates for tensor code",
    "2101.00002": "Vitamin C and a lone c in the title",
    "2101.00003": "Pattern matching in C# and F#",
    "2101.00004": "The ASP.NET runtime and .NET garbage collection",
    "2101.00005": "Networks of neurons",
    "2101.00006": "Telephony at AT&T labs",
    "2101.00007": "The ABC# notation is not C sharp",
    "2101.00008": "Frameworks in C, and F only",
}


@pytest.fixture
def lib(store):
    for key, title in TITLES.items():
        store.upsert_arxiv(make_record(key, title, abstract="Plain words."))
    return store


def keys(store, text, **options) -> list[str]:
    return sorted(hit.paper.key for hit in store.search(text, **options))


@pytest.mark.parametrize("text, expected", [
    ("C++", ["2101.00001"]),
    ("c++", ["2101.00001"]),
    ("C++ templates", ["2101.00001"]),
    ("templates C++", ["2101.00001"]),
    ("C#", ["2101.00003"]),
    ("F#", ["2101.00003"]),
    ("c# f#", ["2101.00003"]),
    (".NET", ["2101.00004"]),
    ("AT&T", ["2101.00006"]),
    ('"in C# and"', ["2101.00003"]),
    ("C", ["2101.00001", "2101.00002", "2101.00003", "2101.00007", "2101.00008"]),
])
def test_terms_with_symbols_are_searched_as_written(lib, text, expected):
    assert keys(lib, text) == expected
    # The same on the reading list's own index, and in the counts.
    assert keys(lib, text, include_catalogue=False) == expected
    assert lib.count_matches(parse_query(text)) == len(expected)


def test_a_term_as_written_is_found_beyond_the_newest_candidates(store):
    """The literal check is part of selecting candidates: an old C++ paper behind many newer
    papers with a lone "c" is still found."""
    store.upsert_arxiv(make_record("2001.00001", "Old C++ paper"))
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO papers (key, title, status) VALUES (?, ?, 'to-read')",
            [(f"k{i}", f"constant c number {i}") for i in range(CANDIDATES + 20)],
        )
    assert [hit.paper.key for hit in store.search("C++")] == ["2001.00001"]
    assert store.count_search(parse_query("C++")) == (1, False)


def test_a_symbol_term_is_not_a_prefix_of_every_word_with_its_letter():
    query = parse_query("C++")
    assert query.prefix_last is False and query.fts_expression() == '"C++"'
    assert query.literals == [("C++", False)]
    # Punctuation that only separates words needs no check as written.
    for text in ("self-supervised", "node.js", "arXiv:2101.00001", "#ml", "x.y"):
        assert parse_query(text).literals == [], text


@pytest.mark.parametrize("text, message", [
    ("bogus:x", "bogus:x is not a filter readr knows"),
    ("quantum titel:foo", "titel:foo is not a filter readr knows"),
    ('bogus:"two words"', 'bogus:"two words" is not a filter readr knows'),
    ("tag:", "tag: needs a value"),
    ('tag:""', "tag: needs a value"),
    ("author:", "author: needs a value"),
    ("status:", "status: needs a value"),
    ("cat:", "cat: needs a value"),
    ("year:", "year: needs a value"),
])
def test_an_unknown_or_empty_filter_says_so(text, message):
    with pytest.raises(QueryError) as error:
        parse_query(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("text", [
    "arXiv:2101.00001", "arxiv:2101.00001", "https://example.org/a:b", "http://x.org", "doi:10.1000/182",
    "Note: this", "std::vector", "10:30", "Lemma:3", "week:",
])
def test_words_with_a_colon_that_are_no_filter_still_search(lib, text):
    parse_query(text)  # no error
    lib.search(text)


def test_an_arxiv_id_with_its_prefix_finds_the_paper(lib):
    assert keys(lib, "arXiv:2101.00003") == ["2101.00003"]


# --- the CLI -----------------------------------------------------------------------------------------


def test_cli_search_errors_on_unknown_and_empty_filters(cli, lib):
    result = cli("search", "bogus:x")
    assert result.exit_code == 1
    assert "readr: error: bogus:x is not a filter readr knows" in result.output
    result = cli("search", "tag:")
    assert result.exit_code == 1 and "tag: needs a value" in result.output


def test_cli_search_and_list_say_how_many_more_there_are(cli, lib):
    result = cli("search", "-n", "2", "the")
    assert result.exit_code == 0
    total = len(lib.search("the", limit=100))
    assert total > 2
    assert result.stderr.strip().splitlines()[-1] == f"showing 2 of {total}; use -n {total} to see them all"
    # All shown: nothing to say.
    assert "showing" not in cli("search", "-n", str(total), "the").stderr
    listed = cli("list", "-n", "3")
    assert listed.stderr.strip().splitlines()[-1] == f"showing 3 of {len(TITLES)}; use -n {len(TITLES)} to see them all"
    assert "showing" not in cli("list").stderr
    # JSON on stdout stays clean; the note is on stderr.
    import json

    assert len(json.loads(cli("list", "-n", "3", "--json").stdout)) == 3


def test_cli_search_beyond_the_ranked_candidates_says_there_are_more(cli, store):
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO papers (key, title, status) VALUES (?, ?, 'to-read')",
            [(f"k{i}", "common word") for i in range(CANDIDATES + 5)],
        )
    result = cli("search", "common")
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"showing 50 of the {CANDIDATES} newest matches (there are more); use -n {CANDIDATES} to see them, "
        "or add words or filters"
    )


# --- the TUI's search bar ----------------------------------------------------------------------------


async def test_the_tui_search_bar_reports_unknown_and_empty_filters_and_finds_cpp(tmp_path):
    pytest.importorskip("textual")
    from readr.store import Store
    from tests.tui_support import app_for, settle

    db = tmp_path / "tui.db"
    with Store(db) as lib:
        for key, title in TITLES.items():
            lib.upsert_arxiv(make_record(key, title))
    app = app_for(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)

        def status() -> str:
            return str(app.screen.query_one("#status").render())

        search = app.screen.query_one("#search")
        await pilot.press("slash", *"C++")
        await settle(pilot, app)
        papers = app.screen.papers
        assert app.store.keys_for([i for i in papers.entries if i >= 0]) == ["2101.00001"]
        search.value = "bogus:x"
        await settle(pilot, app)
        assert "bogus:x is not a filter readr knows" in status()
        search.value = "tag:"
        await settle(pilot, app)
        assert "tag: needs a value" in status()
        search.value = "arXiv:2101.00003"
        await settle(pilot, app)
        assert "not a filter" not in status() and "needs a value" not in status()
