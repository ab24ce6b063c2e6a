"""Full-text search and filtered listing (the SQL behind `readr search` and the TUI search bar).

Fast at a million papers: bm25 is paid per matching row, so only a capped candidate set
(the newest CANDIDATES matches) is ranked; prefixes only on tokens of 3+ characters
(see readr.query).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..query import Query, parse_query
from .papers import Paper

# bm25 costs ~25 µs per candidate with six columns and 1 kB abstracts (measured at 1M papers):
# 1,000 keeps the worst common-word search under 100 ms on a 2-core machine.
CANDIDATES = 1000


# The FTS columns in table order, under the names search results report them by.
FTS_FIELDS = ("title", "authors", "abstract", "summary", "tags", "fulltext")
# Which matching field's snippet to show when several match equally well.
_PREFERENCE = ("title", "summary", "tags", "abstract", "authors", "fulltext")
_MARK_START, _MARK_END = "\x02", "\x03"  # never in stored text: clean_text strips C0 controls
# FTS5's snippet() costs about (hits in the field) x (field length): 300 hits in a 10 MB abstract
# took 16 s, and the TUI waits on it. Longer fields get a plain first-occurrence snippet instead.
SNIPPET_MAX_CHARS = 50_000
_FTS_COLUMNS = ("title", "authors_text", "abstract", "summary", "tags_text", "fulltext")
_LONG = "\x01"
_WORDS = re.compile(r"\w+")


@dataclass
class SearchMatch:
    """Where a search matched a paper: the field shown, every field that matched, and a snippet
    of plain text with the [start, end) spans of the matched words."""

    field: str
    fields: list[str]
    snippet: str
    highlights: list[tuple[int, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "fields": self.fields, "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
        }


def _plain_snippet(text: str, query: Query, tokens: int) -> tuple[str, list[tuple[int, int]]] | None:
    """A snippet around the first occurrence of a query word, in one pass (for very long fields)."""
    words = sorted({w.lower() for term in [*query.terms, *query.authors] for w in _WORDS.findall(term)}, key=len,
                   reverse=True)
    if not words:
        return None
    tail = r"\w*" if query.prefix_last else r"(?!\w)"
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + ")" + tail, re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return None
    half = max(1, tokens // 2)
    before = text[max(0, first.start() - 40 * half) : first.start()].split()[-half:]
    after = text[first.start() : first.start() + 40 * tokens].split()[: tokens - len(before)]
    window = " ".join(before + after)
    start_cut = len(before) > 0 and text[: first.start()].strip() != " ".join(before)
    prefix = "…" if start_cut else ""
    suffix = "…" if len(text) - first.start() > len(" ".join(after)) + 1 else ""
    snippet = prefix + window + suffix
    spans = [(m.start(), m.end()) for m in pattern.finditer(snippet)]
    return (snippet, spans) if spans else None


@dataclass
class SearchHit:
    paper: Paper
    rank: float | None
    match: SearchMatch | None = None


def _parse_snippet(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Text with FTS5 markers -> (plain text with whitespace collapsed, highlighted spans)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    space = True
    for ch in raw:
        if ch == _MARK_START:
            start = length
        elif ch == _MARK_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif ch.isspace():
            if not space:
                out.append(" ")
                length += 1
                space = True
        else:
            out.append(ch)
            length += 1
            space = False
    text = "".join(out)
    if text.endswith(" "):
        text = text[:-1]
        spans = [(a, min(b, len(text))) for a, b in spans if a < len(text)]
    return text, spans


def _fts_table(query: Query, include_catalogue: bool) -> str:
    """The reading list's own small index when only reading-list papers can match, else the whole one."""
    return "library_fts" if query.statuses or not include_catalogue else "papers_fts"


def _filter_sql(query: Query, include_catalogue: bool) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.statuses:
        where.append(f"p.status IN ({','.join('?' * len(query.statuses))})")
        params += query.statuses
    elif not include_catalogue:
        where.append("p.status IS NOT NULL")
    for tag in query.tags:
        where.append(
            "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)"
        )
        params.append(tag)
    for cat in query.categories:
        # categories is a JSON list: match a whole entry, or an archive prefix ("cs" matches "cs.LG").
        where.append("(p.categories LIKE ? ESCAPE '\\' OR p.categories LIKE ? ESCAPE '\\')")
        escaped = cat.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")
        params += [f'%"{escaped}"%', f'%"{escaped}.%']
    if query.years:
        ors = []
        for low, high in query.years:
            ors.append("(substr(p.published, 1, 4) BETWEEN ? AND ?)")
            params += [f"{low:04d}", f"{high:04d}"]
        where.append("(" + " OR ".join(ors) + ")")
    if query.weeks:
        ors = []
        for first, last in query.weeks:
            ors.append("(p.read_at >= ? AND p.read_at < ?)")
            params += [first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()]
        where.append("(" + " OR ".join(ors) + ")")
    return where, params


class SearchMixin:
    conn: sqlite3.Connection

    def search(
        self,
        text: str | Query,
        limit: int = 50,
        include_catalogue: bool = True,
        week_start: int = 0,
        snippets: bool = False,
    ) -> list[SearchHit]:
        """Papers matching free text and filters, best first.

        Free text is matched with FTS5 over title, authors, abstract, summary, tags and PDF text.
        Without free text the filters alone select, newest first. An exact arXiv id (any form)
        finds that paper first. With `snippets`, each hit's `match` says which field matched
        and carries a snippet (see search_matches).
        """
        query = text if isinstance(text, Query) else parse_query(text, week_start=week_start)
        ids = self.search_ids(query, limit=limit, include_catalogue=include_catalogue)
        papers = {p.id: p for p in self.papers_by_ids([i for i, _ in ids])}
        hits = [SearchHit(papers[i], rank) for i, rank in ids if i in papers]
        if snippets:
            matches = self.search_matches(query, [hit.paper.id for hit in hits])
            for hit in hits:
                hit.match = matches.get(hit.paper.id)
        return hits

    def search_matches(self, query: Query, ids: list[int], tokens: int = 14) -> dict[int, SearchMatch]:
        """Which field of each paper (row ids) matched the query's free text, with a snippet.

        Costs a few milliseconds per paper with a long PDF text: call it for the rows shown.
        """
        found: dict[int, SearchMatch] = {}
        exact = self._exact_id_match(query) if ids else None
        if exact is not None and exact in ids:
            arxiv_id = self.conn.execute("SELECT arxiv_id FROM papers WHERE id = ?", (exact,)).fetchone()[0]
            found[exact] = SearchMatch("arxiv_id", ["arxiv_id"], arxiv_id, [(0, len(arxiv_id))])
        match = query.fts_expression()
        if match is None or not ids:
            return found
        columns = ", ".join(
            f"CASE WHEN length(papers_fts.{column}) > {SNIPPET_MAX_CHARS} THEN char(1) "
            f"ELSE snippet(papers_fts, {i}, char(2), char(3), '…', {int(tokens)}) END"
            for i, column in enumerate(_FTS_COLUMNS)
        )
        for chunk_start in range(0, len(ids), 500):
            chunk = [i for i in ids[chunk_start : chunk_start + 500] if i not in found]
            if not chunk:
                continue
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT rowid, {columns} FROM papers_fts WHERE papers_fts MATCH ? AND rowid IN ({marks})"
            for row in self.conn.execute(sql, [match, *chunk]):
                candidates = []
                for name, column, raw in zip(FTS_FIELDS, _FTS_COLUMNS, tuple(row)[1:]):
                    if raw == _LONG:
                        text = self.conn.execute(f"SELECT {column} FROM papers WHERE id = ?", (row[0],)).fetchone()[0]
                        found_plain = _plain_snippet(text or "", query, tokens)
                        if found_plain:
                            snippet, spans = found_plain
                            terms = {snippet[a:b].lower() for a, b in spans}
                            candidates.append((len(terms), -_PREFERENCE.index(name), name, snippet, spans))
                        continue
                    if raw and _MARK_START in raw:
                        snippet, spans = _parse_snippet(raw)
                        if spans:
                            terms = {snippet[a:b].lower() for a, b in spans}
                            candidates.append((len(terms), -_PREFERENCE.index(name), name, snippet, spans))
                if candidates:
                    best = max(candidates)
                    matched = [name for name in FTS_FIELDS if any(c[2] == name for c in candidates)]
                    found[row[0]] = SearchMatch(best[2], matched, best[3], best[4])
        return found

    def search_ids(
        self, query: Query, limit: int = 50, offset: int = 0, include_catalogue: bool = True
    ) -> list[tuple[int, float | None]]:
        """(row id, rank) of matching papers, best first; the cheap half of search()."""
        where, params = _filter_sql(query, include_catalogue)
        results: list[tuple[int, float | None]] = []
        exact = self._exact_id_match(query) if offset == 0 else None
        if exact is not None:
            results.append((exact, None))
        match = query.fts_expression()
        if match is None:
            sql = "SELECT p.id FROM papers p"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += " ORDER BY p.added_at IS NULL, p.added_at DESC, p.id DESC LIMIT ? OFFSET ?"
            rows = self.conn.execute(sql, [*params, limit, offset]).fetchall()
            results += [(row[0], None) for row in rows if row[0] != exact]
            return results[:limit]
        # Rank only the newest CANDIDATES matches; the filters apply inside, so they are not lost.
        fts = _fts_table(query, include_catalogue)
        inner_where = " AND ".join([f"{fts} MATCH ?", *where])
        sql = (
            "SELECT id, rank FROM ("
            f"  SELECT p.id AS id, {fts}.rank AS rank FROM {fts} JOIN papers p ON p.id = {fts}.rowid"
            f"  WHERE {inner_where} ORDER BY {fts}.rowid DESC LIMIT {CANDIDATES}"
            ") ORDER BY rank, id DESC LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, [match, *params, limit, offset]).fetchall()
        results += [(row[0], row[1]) for row in rows if row[0] != exact]
        return results[:limit]

    def _exact_id_match(self, query: Query) -> int | None:
        if len(query.terms) != 1:
            return None
        from ..ids import try_parse_arxiv_id

        parsed = try_parse_arxiv_id(query.terms[0])
        if parsed is None:
            return None
        row = self.conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (parsed.base,)).fetchone()
        return row[0] if row else None

    def count_matches(self, query: Query, include_catalogue: bool = True) -> int:
        """How many papers the filters (and free text, capped at CANDIDATES) select."""
        where, params = _filter_sql(query, include_catalogue)
        match = query.fts_expression()
        if match is None:
            sql = "SELECT count(*) FROM papers p" + (" WHERE " + " AND ".join(where) if where else "")
            return self.conn.execute(sql, params).fetchone()[0]
        fts = _fts_table(query, include_catalogue)
        inner_where = " AND ".join([f"{fts} MATCH ?", *where])
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {fts} JOIN papers p ON p.id = {fts}.rowid "
            f"WHERE {inner_where} LIMIT {CANDIDATES})"
        )
        return self.conn.execute(sql, [match, *params]).fetchone()[0]

