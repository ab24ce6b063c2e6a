"""Full-text search and filtered listing (the SQL behind `readr search` and the TUI search bar).

Fast at a million papers: bm25 is paid per matching row, so only a capped candidate set
(the newest CANDIDATES matches) is ranked; prefixes only on tokens of 3+ characters
(see readr.query).

Prefixes (search as you type): FTS5 answers `"net"*` by merging the whole list of papers of every
word under "net" before it returns a row, and bm25 merges it again. On papers_fts the store writes
the prefix as an OR of the words the index holds under it, `("net" OR "network" ...)`, found with
a range scan of the word list fts_terms plus the word lists of fts_terms_new and library_fts
(schema.sql says why that union holds every word of papers_fts). Same matches, hence the same
newest CANDIDATES. bm25 would score each OR'ed word by its own rarity (a rare "netete" above the
"network" the reader is typing), where `"net"*` pools them: the candidates are ranked by the
prefix's common words only (COMMON_SHARE of its most common word's papers, counted in
fts_terms), and those holding only rarer words follow, newest first. With one word under the
prefix that is `"net"*` exactly. More than MAX_PREFIX_WORDS words, or a word FTS5 splits into
nothing: the native prefix query.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from ..record import record
from ..query import Query, literal_pattern, parse_query
from .papers import Paper, PapersMixin

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# bm25 costs ~25 µs per candidate with six columns and 1 kB abstracts (measured at 1M papers):
# 1,000 keeps the worst common-word search under 100 ms on a 2-core machine.
CANDIDATES = 1000


# The tokenizer of papers_fts, library_fts and fts_terms_new (schema.sql): prefixes are folded by it.
TOKENIZER = "unicode61 remove_diacritics 2"
# Above this many words under a prefix the native prefix query is used. An OR costs ~0.1-0.4 ms
# per word even when the words are rare (one lookup per index segment, then bm25 per phrase),
# while "x"* costs about its total number of postings: at a million papers 300 words of ~100
# papers each took ~100 ms as an OR; a prefix of 700 common words took 150-250 ms as an OR
# against 350-1400 ms natively.
MAX_PREFIX_WORDS = 300
# A prefix ranks by its words held by at least this share of the papers of its most common word
# (see common_prefix_alternatives): "net" ranks by network, networks, ..., not by a rare "netete".
COMMON_SHARE = 0.05

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


@record
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


@record
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


# --- the word lists behind prefix expansion --------------------------------------------------

_TEMP_TABLES = (
    ("readr_vocab_papers", "CREATE VIRTUAL TABLE temp.readr_vocab_papers USING fts5vocab (main, papers_fts, 'row')"),
    ("readr_vocab_new", "CREATE VIRTUAL TABLE temp.readr_vocab_new USING fts5vocab (main, fts_terms_new, 'row')"),
    ("readr_vocab_library", "CREATE VIRTUAL TABLE temp.readr_vocab_library USING fts5vocab (main, library_fts, 'row')"),
    ("readr_tokens", f"CREATE VIRTUAL TABLE temp.readr_tokens USING fts5 (text, tokenize = '{TOKENIZER}')"),
    ("readr_tokens_vocab",
     "CREATE VIRTUAL TABLE temp.readr_tokens_vocab USING fts5vocab (temp, readr_tokens, 'instance')"),
)
_TOKENS: dict[str, tuple[str, ...]] = {}  # text -> its FTS tokens (the tokenizer never changes)


def _temp_tables(conn: sqlite3.Connection) -> None:
    """This connection's vocabulary views of the FTS tables (temp objects: nothing is written to
    the library)."""
    if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'readr_tokens_vocab'").fetchone():
        return
    have = {row[0] for row in conn.execute("SELECT name FROM temp.sqlite_master")}
    for name, sql in _TEMP_TABLES:
        if name not in have:
            conn.execute(sql)


def fts_tokens(conn: sqlite3.Connection, text: str) -> tuple[str, ...]:
    """The words FTS5 makes of `text` (case and diacritics folded), in order: SQLite's own
    tokenizer, run on a temporary table."""
    cached = _TOKENS.get(text)
    if cached is not None:
        return cached
    _temp_tables(conn)
    conn.execute("DELETE FROM temp.readr_tokens")
    conn.execute("INSERT INTO temp.readr_tokens (rowid, text) VALUES (1, ?)", (text,))
    tokens = tuple(row[0] for row in conn.execute("SELECT term FROM temp.readr_tokens_vocab ORDER BY offset"))
    if len(_TOKENS) >= 2048:
        _TOKENS.clear()
    _TOKENS[text] = tokens
    return tokens


def _prefix_end(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix` (None: there is none).

    SQLite and FTS5 compare words as UTF-8 bytes, whose order is the order of code points."""
    chars = list(prefix)
    while chars:
        code = ord(chars[-1]) + 1
        if code == 0xD800:
            code = 0xE000  # surrogates are not characters
        if code <= 0x10FFFF:
            chars[-1] = chr(code)
            return "".join(chars)
        chars.pop()
    return None


def word_counts_with_prefix(conn: sqlite3.Connection, prefix: str, cap: int | None = None) -> dict[str, int] | None:
    """Every word of papers_fts that starts with `prefix` (a folded token) -> about how many papers
    hold it, possibly with a few that no paper holds any more; None when there are more than
    `cap` (MAX_PREFIX_WORDS)."""
    cap = MAX_PREFIX_WORDS if cap is None else cap
    _temp_tables(conn)
    end = _prefix_end(prefix)
    where = "term >= ?" if end is None else "term >= ? AND term < ?"
    params: list[Any] = [prefix] if end is None else [prefix, end]
    words: dict[str, int] = {}
    tables = (("main.fts_terms", "docs"), ("temp.readr_vocab_new", "doc"), ("temp.readr_vocab_library", "doc"))
    for table, docs in tables:
        rows = conn.execute(f"SELECT term, {docs} FROM {table} WHERE {where} LIMIT ?", [*params, cap + 1])
        for term, count in rows:
            words[term] = words.get(term, 0) + count
        if len(words) > cap:
            return None
    return words


def words_with_prefix(conn: sqlite3.Connection, prefix: str, cap: int | None = None) -> list[str] | None:
    """Every word of papers_fts that starts with `prefix`, sorted (see word_counts_with_prefix)."""
    words = word_counts_with_prefix(conn, prefix, cap)
    return None if words is None else sorted(words)


def prefix_alternatives(conn: sqlite3.Connection, word: str, cap: int | None = None) -> list[str] | None:
    """What `"word"*` matches, as words (or phrases, for a word FTS5 splits, such as
    arXiv:2401.0) to OR together; None where the native prefix query should be used."""
    tokens = fts_tokens(conn, word)
    if not tokens:
        return None
    *head, last = tokens
    words = words_with_prefix(conn, last, cap)
    if words is None:
        return None
    # No word under the prefix: the prefix itself is not in the index either, so it matches nothing.
    return [" ".join([*head, w]) for w in (words or [last])]


def common_prefix_alternatives(conn: sqlite3.Connection, word: str) -> list[str] | None:
    """The alternatives of prefix_alternatives() that rank a prefix: its words held by at least
    COMMON_SHARE as many papers as its most common word. bm25 weighs each OR'ed word by its own
    rarity, so a rare completion ("netete") would outrank the word the reader is typing
    ("network"); `"net"*` pools them. None: rank by every alternative."""
    tokens = fts_tokens(conn, word)
    if not tokens:
        return None
    *head, last = tokens
    counts = word_counts_with_prefix(conn, last)
    if not counts:
        return None
    floor = max(counts.values()) * COMMON_SHARE
    return [" ".join([*head, w]) for w in sorted(counts) if counts[w] >= floor]


def rebuild_prefix_words(conn: sqlite3.Connection) -> None:
    """fts_terms := every word of papers_fts (one scan of its word list: ~6-9 s at a million
    papers), and fts_terms_new emptied. Inside a write transaction, after papers_fts is built."""
    _temp_tables(conn)
    conn.execute("DELETE FROM fts_terms")
    conn.execute("INSERT INTO fts_terms (term, docs) SELECT term, doc FROM temp.readr_vocab_papers")
    conn.execute("INSERT INTO fts_terms_new (fts_terms_new) VALUES ('delete-all')")


def fold_new_prefix_words(conn: sqlite3.Connection) -> None:
    """Move fts_terms_new's words into fts_terms (after an import that indexed through the
    triggers): costs the size of fts_terms_new only. Inside a write transaction."""
    _temp_tables(conn)
    conn.execute(
        "INSERT INTO fts_terms (term, docs) SELECT term, doc FROM temp.readr_vocab_new WHERE true "
        "ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs"
    )
    conn.execute("INSERT INTO fts_terms_new (fts_terms_new) VALUES ('delete-all')")


def prefix_words_missing(conn: sqlite3.Connection, limit: int = 20) -> tuple[int, list[str]]:
    """(count, first few) of the words of papers_fts that prefix expansion would not find (none
    in a sound library). Scans papers_fts's whole word list: seconds at a million papers."""
    _temp_tables(conn)
    rows = conn.execute(
        "SELECT v.term FROM temp.readr_vocab_papers v "
        "WHERE NOT EXISTS (SELECT 1 FROM main.fts_terms t WHERE t.term = v.term) "
        "AND NOT EXISTS (SELECT 1 FROM temp.readr_vocab_new n WHERE n.term = v.term) "
        "AND NOT EXISTS (SELECT 1 FROM temp.readr_vocab_library l WHERE l.term = v.term)"
    ).fetchall()
    return len(rows), [row[0] for row in rows[:limit]]


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
    for term, prefix in query.literals:
        # The index matched the term's words ("c" for C++); keep the papers that hold it as written.
        where.append(
            "readr_finds(?, p.title, p.authors_text, p.abstract, p.summary, p.tags_text, p.fulltext)"
        )
        params.append(literal_pattern(term, prefix))
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
    if query.team:
        where.append("p.key IN (SELECT paper_key FROM team_notes)")
    for reader in query.readers:
        # Reader names are matched as written: they are folder names in the shared repository.
        where.append("p.key IN (SELECT paper_key FROM team_notes WHERE reader = ?)")
        params.append(reader)
    if query.weeks:
        ors = []
        for first, last in query.weeks:
            ors.append("(p.read_at >= ? AND p.read_at < ?)")
            params += [first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()]
        where.append("(" + " OR ".join(ors) + ")")
    return where, params


class SearchMixin(PapersMixin):
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
        if not ids:
            return found
        match = self._match_expression(query, "papers_fts")
        if match is None:
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
        if query.fts_expression() is None:
            sql = "SELECT p.id FROM papers p"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += " ORDER BY p.added_at IS NULL, p.added_at DESC, p.id DESC LIMIT ? OFFSET ?"
            rows = self.conn.execute(sql, [*params, limit, offset]).fetchall()
            results += [(row[0], None) for row in rows if row[0] != exact]
            return results[:limit]
        # Rank only the newest CANDIDATES matches; the filters apply inside, so they are not lost.
        fts = _fts_table(query, include_catalogue)
        match = self._match_expression(query, fts)
        assert match is not None  # there is free text (fts_expression() above)
        inner_where = " AND ".join([f"{fts} MATCH ?", *where])
        ranking = self._ranking_expression(query, fts, match)
        if ranking is not None:
            rows = self._rank_candidates(fts, inner_where, match, ranking, params)[offset : offset + limit]
        else:
            sql = (
                "SELECT id, rank FROM ("
                f"  SELECT p.id AS id, {fts}.rank AS rank FROM {fts} JOIN papers p ON p.id = {fts}.rowid"
                f"  WHERE {inner_where} ORDER BY {fts}.rowid DESC LIMIT {CANDIDATES}"
                ") ORDER BY rank, id DESC LIMIT ? OFFSET ?"
            )
            rows = self.conn.execute(sql, [match, *params, limit, offset]).fetchall()
        results += [(row[0], row[1]) for row in rows if row[0] != exact]
        return results[:limit]

    def _ranking_expression(self, query: Query, fts: str, match: str | None) -> str | None:
        """A MATCH expression that ranks the candidates when it is not `match` itself: the
        expanded prefix with its common words only (common_prefix_alternatives)."""
        if fts != "papers_fts" or not query.prefix_last or not query.terms or match is None:
            return None
        common = common_prefix_alternatives(self.conn, query.terms[-1])
        if common is None:
            return None
        ranking = query.fts_expression(common, no_words=lambda text: not fts_tokens(self.conn, text))
        return None if ranking == match else ranking

    def _rank_candidates(self, fts: str, inner_where: str, match: str, ranking: str,
                         params: list[Any]) -> list[tuple[int, float | None]]:
        """The newest CANDIDATES matches of `match`, ranked by bm25 of `ranking` (which matches a
        subset of them); those it does not match follow, newest first."""
        candidates = [row[0] for row in self.conn.execute(
            f"SELECT p.id FROM {fts} JOIN papers p ON p.id = {fts}.rowid WHERE {inner_where} "
            f"ORDER BY {fts}.rowid DESC LIMIT {CANDIDATES}", [match, *params])]
        if not candidates:
            return []
        # Between the oldest and the newest candidate, `ranking` with the same filters matches
        # only candidates: `match` covers it, and no other paper in that range matches `match`.
        ranks = dict(self.conn.execute(
            f"SELECT p.id, {fts}.rank FROM {fts} JOIN papers p ON p.id = {fts}.rowid "
            f"WHERE {inner_where} AND {fts}.rowid BETWEEN ? AND ?",
            [ranking, *params, candidates[-1], candidates[0]]))
        ranked = sorted((i for i in candidates if i in ranks), key=lambda i: (ranks[i], -i))
        return [(i, ranks[i]) for i in ranked] + [(i, None) for i in candidates if i not in ranks]

    def _match_expression(self, query: Query, fts: str) -> str | None:
        """The MATCH expression for `fts`: on papers_fts a prefix becomes an OR of its words
        (every query on papers_fts goes through here, so all of them match the same papers)."""
        if fts != "papers_fts" or not query.prefix_last or not query.terms:
            return query.fts_expression()
        conn = self.conn
        return query.fts_expression(
            prefix_alternatives(conn, query.terms[-1]), no_words=lambda text: not fts_tokens(conn, text)
        )

    def _exact_id_match(self, query: Query) -> int | None:
        if len(query.terms) != 1:
            return None
        from ..ids import try_parse_arxiv_id

        parsed = try_parse_arxiv_id(query.terms[0])
        if parsed is None:
            return None
        row = self.conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (parsed.base,)).fetchone()
        return row[0] if row else None

    def count_search(self, query: Query, include_catalogue: bool = True) -> tuple[int, bool]:
        """(how many papers search() can show for the query, whether there are more): a search
        with free text ranks only the newest CANDIDATES matches."""
        count = self.count_matches(query, include_catalogue)
        return count, query.fts_expression() is not None and count >= CANDIDATES

    def count_matches(self, query: Query, include_catalogue: bool = True) -> int:
        """How many papers the filters (and free text, capped at CANDIDATES) select."""
        where, params = _filter_sql(query, include_catalogue)
        if query.fts_expression() is None:
            sql = "SELECT count(*) FROM papers p" + (" WHERE " + " AND ".join(where) if where else "")
            count: int = self.conn.execute(sql, params).fetchone()[0]
            return count
        fts = _fts_table(query, include_catalogue)
        match = self._match_expression(query, fts)
        inner_where = " AND ".join([f"{fts} MATCH ?", *where])
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {fts} JOIN papers p ON p.id = {fts}.rowid "
            f"WHERE {inner_where} LIMIT {CANDIDATES})"
        )
        count = self.conn.execute(sql, [match, *params]).fetchone()[0]
        return count


class SearchStore(SearchMixin):
    """The parts of the store that `readr search` and `readr list` use: opening, searching,
    listing and counting papers. Start-up is most of their time, and importing every other part
    of Store would add about a tenth to it."""
