"""Hypothesis fuzzing of the three parsers that read what strangers type or publish: the arXiv
id parser, the search query parser (down to a real FTS5 MATCH) and the digest page importer.
Each may refuse input only with its own one-line error, and never stores dirty text."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from readr.errors import QueryError, ReadrError
from readr.ids import OLD_STYLE_ARCHIVES, InvalidArxivId, parse_arxiv_id
from readr.query import parse_query
from readr.store import Store

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the arXiv id parser ---------------------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "arXiv:", "arxiv:", "oai:arXiv.org:", "https://arxiv.org/abs/", "http://export.arxiv.org/pdf/",
    "https://arxiv.org/html/", "10.48550/arXiv.", "https://doi.org/10.48550/arXiv.", "hep-th/", "math.GT/",
    "cond-mat.str-el/", "0704.", "2202.", "1412.", "1501.", "9108", "0703", "v", "V", "v0", "v12", ".pdf", "/",
    "..", "../", "%2F", "%2e%2e", "?x=1", "#frag", " ", "\t", "\n", "\x00", "\u00a0", "０", "٣", "ⅰ", "-", "_",
])
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=8)
ID_LIKE = st.lists(st.one_of(FRAGMENTS, DIGITS), max_size=8).map("".join)
CANONICAL = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z-]*/\d{7}", re.ASCII)


@FUZZ
@given(st.one_of(ID_LIKE, st.text(max_size=60), st.binary(max_size=30).map(lambda b: b.decode("latin-1"))))
@example("hep-th/9901001/../../etc/passwd")
@example("https://arxiv.org/abs/../../../etc/passwd")
@example("0704.0001v1\x00")
def test_id_parser_accepts_only_canonical_ids_and_fails_in_one_line(text):
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message and len(message) < 400
        return
    assert CANONICAL.fullmatch(parsed.base), parsed.base
    if "/" in parsed.base:
        assert parsed.base.split("/")[0] in OLD_STYLE_ARCHIVES
    assert ".." not in parsed.base and not parsed.base.startswith("/")
    assert parsed.version is None or parsed.version >= 1
    # Canonical forms parse back to the same id.
    assert parse_arxiv_id(str(parsed)) == parsed
    assert parse_arxiv_id(parsed.abs_url) == parsed
    assert parse_arxiv_id(f"arXiv:{parsed}") == parsed


# --- the query parser, down to a real MATCH -------------------------------------------------------

FTS_BITS = st.sampled_from([
    '"', "'", "*", "^", "-", "+", "(", ")", ":", "{", "}", ",", ".", "\\", "%", "_", "AND", "OR", "NOT",
    "NEAR", "NEAR(", "tag:", "status:", "author:", "cat:", "year:", "week:", "title:", "abstract:", "quantum",
    "qu", "quasi", "C++", "don't", "2202.06709", "hep-th/9901001", " ", "\x00", "\x1b[31m", "[bold]", "é", "日本",
])
QUERY_TEXT = st.one_of(st.lists(FTS_BITS, max_size=12).map("".join), st.text(max_size=80))


@pytest.fixture(scope="module")
def fuzz_store():
    with tempfile.TemporaryDirectory() as folder:
        lib = Store(Path(folder) / "fuzz.db")
        lib.add_web("https://example.org/1", "Quantum C++ don't a.b NEAR AND title: {braces} 日本語 café")
        lib.set_summary("https://example.org/1", "quasicrystals **take** away")
        lib.add_tags(["https://example.org/1"], ["quantum", "[bold]"])
        yield lib
        lib.close()


@FUZZ
@given(QUERY_TEXT)
@example('author:"')
@example("NEAR(a b")
@example('"unterminated')
@example("week:not-a-date")
@example("year:99999")
def test_query_parser_builds_only_valid_match_expressions(fuzz_store, text):
    try:
        query = parse_query(text)
    except QueryError as exc:
        assert "\n" not in str(exc)
        return
    expression = query.fts_expression()
    if expression is not None:
        assert not CONTROL.search(expression)
        conn = sqlite3.connect(":memory:")
        conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5 (title, authors_text, tokenize = 'unicode61 remove_diacritics 2')"
        )
        conn.execute("INSERT INTO t VALUES ('quantum C++', 'Ada')")
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
        conn.close()
    for hit in fuzz_store.search(query):
        assert hit.paper.key


WORD_ALPHABET = st.sampled_from(list("abcxyzQRS019éüßøλжかな日本+-.'_/#@&!?,;()[]{}*^%$~<>=|\\"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=WORD_ALPHABET, min_size=1, max_size=10), min_size=1, max_size=5))
def test_any_title_is_found_by_typing_it(words):
    title = " ".join(words)
    assume(re.search(r"[^\W_]", title))  # "_" alone is a word to Python, a separator to FTS5
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "t.db") as lib:
            key = lib.add_web("https://example.org/x", title)[0].key
            lib.add_web("https://example.org/other", "unrelated words entirely")
            try:
                hits = [h.paper.key for h in lib.search(title)]
            except QueryError:
                return  # e.g. "status:x": a filter with a bad value, refused in one line
            query = parse_query(title)
            if query.has_filters:
                return
            assert key in hits, (title, query.fts_expression())


# --- the digest importer --------------------------------------------------------------------------

digest_importer = pytest.importorskip("readr.digest.importer")
EXAMPLE = (Path(__file__).parent / "fixtures" / "digest-2007-04.md").read_text(encoding="utf-8")
HOSTILE_BITS = st.sampled_from([
    "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x9b31m", "\x00", "\x7f", "\r", "[bold]", "[/]",
    "[@click=app.quit]x[/]", "**", "**bold**", "`", "```", "\\*\\*", "](", "[", "]", "(", ")", "![](../../etc/passwd)",
    "### 2007-4-1:", "\n### ", "\n\n", "\n* ", "---", "\u202e", "\ufeff", "é", "https://arxiv.org/abs/0704.0001",
    "[x](https://arxiv.org/abs/hep-th/9901001v2)", "[**T**](https://arxiv.org/pdf/0704.0001.pdf)", "<img src=x>",
])


def _mutate(data):
    text = EXAMPLE
    for _ in range(data.draw(st.integers(0, 6))):
        where = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "truncate"]))
        if action == "insert":
            text = text[:where] + data.draw(st.one_of(HOSTILE_BITS, st.text(max_size=5))) + text[where:]
        elif action == "delete":
            text = text[:where] + text[where + data.draw(st.integers(1, 40)):]
        else:
            text = text[:where]
    return text


@FUZZ
@given(st.data())
def test_digest_parser_fails_only_with_a_format_error(data):
    text = data.draw(st.one_of(st.none(), st.text(max_size=300)))
    if text is None:
        text = _mutate(data)
    try:
        page = digest_importer.parse_page(text, "page.md")
    except ReadrError as exc:
        assert "\n" not in str(exc)
        return
    for week in page.weeks:
        for entry in week.entries:
            assert not CONTROL.search(entry.title) and not CONTROL.search(entry.summary)


def _dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_digest_import_of_mutated_pages_is_all_or_nothing_and_stores_clean_text(data):
    text = _mutate(data)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.md"
        page.write_text(text, encoding="utf-8")
        db = Path(folder) / "lib.db"
        with Store(db) as lib:
            lib.add_web("https://example.org/mine", "my own paper")
            lib.set_summary("https://example.org/mine", "my notes **keep**")
        before = _dump(db)
        with Store(db) as lib:
            try:
                digest_importer.import_files(lib, [page])
            except ReadrError as exc:
                assert "\n" not in str(exc)
                assert _dump(db) == before  # a refused page changes nothing
                return
            assert lib.get("https://example.org/mine").summary == "my notes **keep**"
            for paper in lib.list_papers():
                for value in (paper.title, paper.summary, *paper.takeaways):
                    assert not CONTROL.search(value)
            from readr.maintenance import check

            assert check(lib).ok
            after = _dump(db)
            digest_importer.import_files(lib, [page])  # importing the same page again changes nothing
            assert _dump(db) == after
