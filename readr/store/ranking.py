"""The SQL behind relevance ranking (readr/ranking.py): the reader's triage as training rows, the
background texts, the cached model, and the full-text neighbours of a paper (readr related)."""

from __future__ import annotations

import json
import sqlite3

from ..record import record
from .connection import is_readonly_error, now_iso
from .search import SearchMixin, _temp_tables, fts_tokens

# What the reader did with a paper, in the order the fingerprint codes it.
_TRIAGED = ("to-read", "reading", "read", "dismissed")


@record
class RankingRow:
    """One paper as the ranking sees it: its text and what the reader did with it."""

    id: int
    status: str | None
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    summary_chars: int
    takeaways: int
    tags: list[str]


_ROW_SQL = (
    "SELECT p.id, p.status, p.title, p.abstract, p.authors, p.categories, length(p.summary) AS summary_chars, "
    "(SELECT count(*) FROM takeaways k WHERE k.paper_id = p.id) AS takeaways, p.tags_text FROM papers p"
)


def _row(row: sqlite3.Row, tags: dict[int, list[str]]) -> RankingRow:
    return RankingRow(
        id=row["id"], status=row["status"], title=row["title"], abstract=row["abstract"],
        authors=json.loads(row["authors"]), categories=json.loads(row["categories"]),
        summary_chars=row["summary_chars"], takeaways=row["takeaways"], tags=tags.get(row["id"], []),
    )


@record
class RuleFields:
    """What the reader's mute and boost rules look at (readr/rank_rules.py). The title and abstract
    are empty for a paper that holds none of the words the rules name."""

    id: int
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]


def _like_pattern(part: str) -> str:
    return "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class RankingMixin(SearchMixin):
    def _tags_of(self, ids: list[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for paper_id, name in self.conn.execute(
                f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks})", chunk,
            ):
                tags.setdefault(paper_id, []).append(name)
        return tags

    def _ranking_rows(self, where: str, params: list[object], limit: int | None = None) -> list[RankingRow]:
        sql = f"{_ROW_SQL} WHERE {where} ORDER BY p.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        rows = self.conn.execute(sql, params).fetchall()
        tags = self._tags_of([r["id"] for r in rows if r["tags_text"]])
        return [_row(r, tags) for r in rows]

    def triaged_for_ranking(self) -> list[RankingRow]:
        """Papers the reader kept, read, dismissed or tagged: what a model learns from."""
        marks = ",".join("?" * len(_TRIAGED))
        return self._ranking_rows(f"(p.status IN ({marks}) OR p.tags_text != '')", list(_TRIAGED))

    def background_for_ranking(self, limit: int) -> list[RankingRow]:
        """The newest `limit` papers the reader has not triaged (inbox and catalogue): the language
        of the field, against which the reader's own words stand out."""
        return self._ranking_rows("(p.status IS NULL OR p.status = 'inbox') AND p.tags_text = ''", [], limit)

    def ranking_rows(self, ids: list[int]) -> list[RankingRow]:
        """Rows for these paper ids, in the given order."""
        found: dict[int, RankingRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in self._ranking_rows(f"p.id IN ({','.join('?' * len(chunk))})", list(chunk)):
                found[row.id] = row
        return [found[i] for i in ids if i in found]

    def rule_fields(self, ids: list[int], words: list[str] | None) -> dict[int, RuleFields]:
        """The fields the rules look at for these papers, in one query. `words`: the rules' words
        (ASCII: SQL's LIKE folds ASCII case only); the title and abstract are read only for papers
        holding every part of one of them (None: for every paper)."""
        if words is None:
            holds: str = "1"
            params: list[object] = []
        else:
            text_holds = "(coalesce(p.title, '') || ' ' || coalesce(p.abstract, '')) LIKE ? ESCAPE '\\'"
            each = ["(" + " AND ".join(text_holds for _ in w.split()) + ")" for w in words if w.split()]
            holds = " OR ".join(each) or "0"
            params = [_like_pattern(part) for w in words for part in w.split()]
        rows = self.conn.execute(
            f"SELECT p.id, p.authors, p.categories, CASE WHEN {holds} THEN p.title ELSE '' END, "
            f"CASE WHEN {holds} THEN p.abstract ELSE '' END FROM papers p "
            "WHERE p.id IN (SELECT value FROM json_each(?))", [*params, *params, json.dumps(ids)],
        )
        return {
            int(paper_id): RuleFields(int(paper_id), title or "", abstract or "", json.loads(authors),
                                      json.loads(categories))
            for paper_id, authors, categories, title, abstract in rows
        }

    def triage_fingerprint(self) -> str:
        """Changes whenever the reader's triage does (a status, a summary, a takeaway, a tag): a
        cached model learned from another fingerprint is stale. One aggregate pass over the
        triaged papers, no rows brought into Python (100,000 dismissed papers take ~50 ms)."""
        code = "coalesce(instr('|to-read|reading|read|dismissed|', '|' || p.status || '|'), 0)"
        row = self.conn.execute(
            f"SELECT count(*), total(p.id * 7919 + {code}), total((p.id % 9973) * ({code} + 1)), "
            "total(length(p.summary) * (p.id % 101 + 1)), total(length(p.tags_text) * (p.id % 97 + 1)), "
            "total(coalesce(unicode(p.tags_text), 0) * (p.id % 89 + 1)), "
            "(SELECT count(*) FROM takeaways), (SELECT count(*) FROM paper_tags), max(p.id) "
            "FROM papers p WHERE p.status IN ('to-read', 'reading', 'read', 'dismissed') OR p.tags_text != ''"
        ).fetchone()
        import hashlib

        return hashlib.sha1(repr(tuple(row)).encode()).hexdigest()

    def ranking_model(self, name: str) -> tuple[str, int, bytes] | None:
        """(fingerprint, format, model bytes) of the cached model `name`, or None."""
        row = self.conn.execute(
            "SELECT fingerprint, format, model FROM ranking_models WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        return str(row[0]), int(row[1]), bytes(row[2])

    def ranking_model_version(self, name: str) -> tuple[str, int] | None:
        """(fingerprint, format) of the cached model `name` without reading the model, or None."""
        row = self.conn.execute("SELECT fingerprint, format FROM ranking_models WHERE name = ?", (name,)).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def text_signatures(self, ids: list[int]) -> dict[int, int]:
        """A number per paper that changes when its title, abstract, authors or categories are
        edited (their lengths, combined): a score cached for another text is not used."""
        rows = self.conn.execute(
            "SELECT id, ((coalesce(length(title), -1) * 1000003 + coalesce(length(abstract), -1)) * 1000003 "
            "+ coalesce(length(authors), -1)) * 1000003 + coalesce(length(categories), -1) FROM papers "
            "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),),
        )
        return {int(paper_id): int(signature) for paper_id, signature in rows}

    def save_ranking_model(self, name: str, fingerprint: str, format: int, model: bytes) -> bool:
        """Replace the cached model `name` in one statement: a killed retraining leaves the old one.
        False when the library is read-only (the model is used, not cached)."""
        return self.save_ranking_models([(name, fingerprint, format, model)])

    def save_ranking_models(self, models: list[tuple[str, str, int, bytes]]) -> bool:
        """Replace the cached (name, fingerprint, format, model bytes) in one transaction: a model
        and the scores it gave are written together or not at all. False when read-only."""
        try:
            with self.write() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO ranking_models (name, fingerprint, format, trained_at, model) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(name, fingerprint, format, now_iso(), sqlite3.Binary(model))
                     for name, fingerprint, format, model in models],
                )
        except sqlite3.OperationalError as exc:
            if not is_readonly_error(exc):
                raise
            return False
        return True

    def word_document_counts(self, words: list[str]) -> tuple[int, dict[str, int]]:
        """(papers in the library, {word: about how many papers hold it}) for the index's words.
        From the stored word list (fts_terms, counted at the last rebuild) plus the small word
        lists of what came since (fts_terms_new, the reading list's library_fts): one indexed
        look-up per list. Counting a word in papers_fts itself walks its whole list of papers,
        half a second for a few common words at a million papers."""
        _temp_tables(self.conn)
        total: int = self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        wanted = json.dumps(list(dict.fromkeys(words)))
        counts: dict[str, int] = {}
        for table, docs in (("main.fts_terms", "docs"), ("temp.readr_vocab_new", "doc"),
                            ("temp.readr_vocab_library", "doc")):
            for word, count in self.conn.execute(
                f"SELECT w.value, v.{docs} FROM json_each(?) w JOIN {table} v ON v.term = w.value", (wanted,)
            ):
                counts[word] = counts.get(word, 0) + int(count)
        return total, counts

    def index_words(self, text: str) -> tuple[str, ...]:
        """The words of `text` as the full-text index holds them."""
        return fts_tokens(self.conn, text)

    def papers_matching_any(self, words: list[str], exclude_id: int, limit: int) -> list[tuple[int, float]]:
        """(paper id, bm25 relevance, higher is closer) of the papers holding the most of `words`
        in title and abstract, anywhere in the library (the catalogue too), `exclude_id` left out."""
        if not words:
            return []
        match = "{title abstract} : (" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"
        rows = self.conn.execute(
            "SELECT rowid, -bm25(papers_fts, 2.0, 0.5, 1.0, 0.0, 0.0, 0.0) AS score FROM papers_fts "
            "WHERE papers_fts MATCH ? AND rowid != ? ORDER BY bm25(papers_fts, 2.0, 0.5, 1.0, 0.0, 0.0, 0.0) "
            "LIMIT ?",
            (match, exclude_id, limit),
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    # --- the model of one tag (the like: search filter) --------------------------------------------

    def tag_usage(self, tag: str) -> tuple[str, int] | None:
        """(the tag's name as stored, how many papers carry it) for `tag` matched as tags are,
        without case; None without such a tag."""
        row = self.conn.execute(
            "SELECT t.name, (SELECT count(*) FROM paper_tags pt WHERE pt.tag_id = t.id) FROM tags t WHERE t.name = ?",
            (tag,),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def tagged_for_ranking(self, tag: str) -> list[RankingRow]:
        """The papers with `tag`: what the tag's model learns from."""
        return self._ranking_rows(
            "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)", [tag]
        )

    def tagged_ids(self, tag: str) -> set[int]:
        return {int(r[0]) for r in self.conn.execute(
            "SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?", (tag,)
        )}

    def tag_fingerprint(self, tag: str) -> str:
        """Changes whenever the papers with `tag` do (one added or taken off, its text edited): a
        tag's cached model learned from another fingerprint is stale."""
        rows = self.conn.execute(
            "SELECT p.id, length(p.title), length(p.abstract), length(p.authors), length(p.categories) "
            "FROM papers p WHERE p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE t.name = ?) ORDER BY p.id", (tag,),
        ).fetchall()
        import hashlib  # here, not at the top: hashlib is kept off the start-up of search and list

        return hashlib.sha1(repr([tuple(r) for r in rows]).encode()).hexdigest()
