"""Search results say which field matched and carry a snippet (CLI --json and Store.search_matches)."""

from __future__ import annotations

import json

from readr.query import parse_query
from readr.store.search import _parse_snippet
from tests.conftest import make_record


def fill(store):
    store.upsert_arxiv(make_record("2106.00001", "Tensor networks for chemistry",
                                   abstract="We apply matrix product states to molecules."))
    store.upsert_arxiv(make_record("2106.00002", "Unrelated title", authors=["Tensor Person"],
                                   abstract="Nothing about it."))
    store.upsert_arxiv(make_record("2106.00003", "Another paper", abstract="Plain."))
    store.set_summary("2106.00003", "My notes: **tensor contraction order matters**.")
    store.upsert_arxiv(make_record("2106.00004", "Fourth", abstract="Plain again."))
    store.add_tags(["2106.00004"], ["tensor"])
    with store.write() as conn:
        conn.execute(
            "UPDATE papers SET fulltext = ? WHERE key = '2106.00001'",
            ("Section 1.\n\nLong body text " * 30 + "where the bond dimension of the tensor grows. " + "more " * 40,),
        )


def test_each_hit_names_its_matching_field(store):
    fill(store)
    hits = {h.paper.key: h.match for h in store.search("tensor", snippets=True)}
    assert hits["2106.00001"].field == "title" and hits["2106.00001"].fields == ["title", "fulltext"]
    assert hits["2106.00002"].field == "authors"
    assert hits["2106.00003"].field == "summary" and "contraction" in hits["2106.00003"].snippet
    assert hits["2106.00004"].field == "tags"
    for match in hits.values():
        assert [match.snippet[a:b].lower() for a, b in match.highlights] == ["tensor"] * len(match.highlights)


def test_the_field_with_more_of_the_query_words_wins(store):
    fill(store)
    [hit] = store.search("bond dimension tensor", snippets=True)
    assert hit.match.field == "fulltext" and "title" in hit.match.fields
    snippet = hit.match.snippet
    assert {snippet[a:b].lower() for a, b in hit.match.highlights} == {"bond", "dimension", "tensor"}
    assert "\n" not in snippet and "  " not in snippet and snippet.startswith("…")


def test_prefix_and_author_filters_are_highlighted(store):
    fill(store)
    assert store.search("te", snippets=True) == []  # no prefix under 3 characters
    prefixed = {h.paper.key: h.match for h in store.search("tens", snippets=True)}
    first = prefixed["2106.00001"]
    assert len(prefixed) == 4 and first.snippet[slice(*first.highlights[0])] == "Tensor"
    [by_author] = store.search("author:person", snippets=True)
    assert by_author.match.field == "authors" and by_author.match.snippet == "Tensor Person"


def test_an_exact_id_reports_the_id_field(store):
    fill(store)
    [hit, *_] = store.search("arXiv:2106.00003", snippets=True)
    assert hit.paper.key == "2106.00003" and hit.match.field == "arxiv_id"


def test_filters_alone_have_no_match_and_snippets_are_opt_in(store):
    fill(store)
    assert all(h.match is None for h in store.search("tag:tensor", snippets=True))
    assert all(h.match is None for h in store.search("tensor"))


def test_search_matches_for_the_rows_a_view_shows(store):
    fill(store)
    ids = [store.get(k).id for k in ("2106.00004", "2106.00002")]
    matches = store.search_matches(parse_query("tensor"), ids)
    assert {matches[i].field for i in ids} == {"tags", "authors"}


def test_parse_snippet_collapses_whitespace_and_keeps_spans():
    text, spans = _parse_snippet("a  \n\x02big\x03\t word \x02two\x03  ")
    assert text == "a big word two" and [text[a:b] for a, b in spans] == ["big", "two"]


def test_hostile_text_in_snippets_leaves_the_cli_as_plain_text(cli, store):
    store.upsert_arxiv(make_record("2106.00005", "Title [bold]x[/bold] \x1b]52;c;cHduZWQ=\x07 needle"))
    result = cli("search", "needle", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)
    assert "\x1b" not in result.stdout and "\\u001b" not in result.stdout
    assert hit["match"]["field"] == "title" and "[bold]x[/bold]" in hit["match"]["snippet"]
    start, end = hit["match"]["highlights"][0]
    assert hit["match"]["snippet"][start:end] == "needle"
