"""The search language: filters, safe FTS5 expressions, prefixes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readr.errors import QueryError
from readr.query import parse_query


def test_free_text_tokens_are_quoted_and_the_last_becomes_a_prefix():
    q = parse_query('graph C++ "don\'t stop" quant')
    assert q.terms == ["graph", "C++", "don't stop", "quant"]
    assert q.fts_expression() == '"graph" "C++" "don\'t stop" "quant"*'


def test_a_prefix_can_be_written_as_an_or_of_the_words_under_it():
    q = parse_query('author:curie author:_ "don\'t stop" _ net')
    assert q.fts_expression(["net", 'ne"t']) == (
        '"don\'t stop" AND "_" AND ("net" OR "ne""t") AND authors_text : "curie" AND authors_text : "_"'
    )
    # Explicit ANDs: terms FTS5 reads as no words are left out, as its implicit AND leaves them out.
    assert q.fts_expression(["net"], no_words=lambda text: text == "_") == (
        '"don\'t stop" AND ("net") AND authors_text : "curie"'
    )
    assert q.fts_expression() == '"don\'t stop" "_" "net"* authors_text : "curie" authors_text : "_"'
    with pytest.raises(ValueError):
        q.fts_expression([])
    # Without a prefix there is nothing to expand.
    assert parse_query("net ").fts_expression(["net", "network"]) == '"net"'


def test_short_last_token_is_not_a_prefix():
    assert parse_query("graph qu").fts_expression() == '"graph" "qu"'
    assert parse_query("graph qua").fts_expression() == '"graph" "qua"*'
    # A finished word (trailing space) is not a prefix either.
    assert parse_query("quantum ").fts_expression() == '"quantum"'


def test_quotes_inside_tokens_are_doubled():
    assert parse_query('a"b').fts_expression() == '"a" "b"' or parse_query('a"b').terms  # phrase split
    assert parse_query('x""y').fts_expression().count('"') % 2 == 0


def test_filters():
    q = parse_query(
        'tag:ml tag:"deep learning" status:to-read author:curie cat:cs.LG year:2019..2021 week:2024-05-08 words'
    )
    assert q.tags == ["ml", "deep learning"]
    assert q.statuses == ["to-read"]
    assert q.authors == ["curie"]
    assert q.categories == ["cs.LG"]
    assert q.years == [(2019, 2021)]
    assert q.weeks == [(date(2024, 5, 6), date(2024, 5, 12))]
    assert q.terms == ["words"]
    assert q.fts_expression() == '"words"* authors_text : "curie"'


def test_week_start_is_configurable():
    q = parse_query("week:2024-05-08", week_start=6)  # weeks start on Sunday
    assert q.weeks == [(date(2024, 5, 5), date(2024, 5, 11))]


def test_unknown_prefixes_are_plain_text():
    q = parse_query("arXiv:2401.00001 http://x.org/a")
    assert q.terms == ["arXiv:2401.00001", "http://x.org/a"]
    assert not q.has_filters


@pytest.mark.parametrize("bad", ["status:done", "year:20x", "week:2024-13-01", "year:1"])
def test_bad_filter_values_are_clean_errors(bad):
    with pytest.raises(QueryError):
        parse_query(bad)


def test_empty_and_punctuation_only_queries_have_no_expression():
    for text in ["", "   ", "-", "*", '"', "()", "+++"]:
        assert parse_query(text).fts_expression() is None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_any_text_is_a_valid_query(store, text):
    try:
        query = parse_query(text)
    except QueryError:
        return
    # The store must accept whatever the parser produced: no SQL or FTS error ever surfaces.
    store.search(query)
    store.count_matches(query)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(
    ['"', "-", "AND", "OR", "NOT", "NEAR", "*", "^", ":", "(", ")", "tag:", "C++", "a", "x.y", "{", "}"]
), max_size=8))
def test_fts_syntax_fragments_are_safe(store, parts):
    for text in (" ".join(parts), "".join(parts)):
        try:
            store.search(text)
        except QueryError as exc:  # a filter with no value (tag:) says so
            assert "needs a value" in str(exc) or "is not a filter" in str(exc)
