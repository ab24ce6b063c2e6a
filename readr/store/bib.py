"""Store SQL for BibTeX: importing .bib entries (merging duplicates), the entries as imported,
and citation keys."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable

from ..record import frozen_record, record
from ..errors import ReadrError
from ..folding import normalized_title
from .bulk import DeferredIndex
from .connection import immediate, now_iso
from .papers import Paper, PapersMixin, metadata_row, web_key

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# Titles shorter than this many words are too common to identify a paper with its year alone.
MIN_TITLE_WORDS = 3


@frozen_record
class BibEntry:
    """How an imported .bib file wrote one paper's entry."""

    paper_key: str
    entry_type: str
    fields: list[tuple[str, str]]
    imported: dict[str, Any]  # readr's modelled values as read from the entry


@record
class BibImportStats:
    created: int = 0
    merged: int = 0  # into a paper already in the library (or earlier in the same files)
    arxiv: int = 0
    keys_taken: int = 0  # citation keys another paper holds


def _title_key(title: str | None, published: str | None) -> tuple[str, str] | None:
    words = normalized_title(title or "")
    year = (published or "")[:4]
    if len(words.split()) < MIN_TITLE_WORDS or not year.isdigit():
        return None
    return words, year


def _first_doi(doi: str | None) -> str | None:
    return (doi or "").split()[0].lower() if (doi or "").strip() else None


class BibMixin(PapersMixin):
    def cite_key_of(self, paper_key: str) -> str | None:
        row = self.conn.execute("SELECT cite_key FROM cite_keys WHERE paper_key = ?", (paper_key,)).fetchone()
        return row[0] if row else None

    def cite_key_taken(self, cite_key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM cite_keys WHERE cite_key = ?", (cite_key,)).fetchone() is not None

    def set_cite_key(self, ref: str, cite_key: str) -> Paper:
        """Give a paper this citation key; ReadrError if another paper has it."""
        paper = self.get(ref)
        with immediate(self.conn):
            row = self.conn.execute(
                "SELECT paper_key FROM cite_keys WHERE cite_key = ? AND paper_key != ?", (cite_key, paper.key)
            ).fetchone()
            if row is not None:
                raise ReadrError(f"citation key {cite_key!r} is taken by {row[0]}")
            self.conn.execute(
                "INSERT INTO cite_keys (paper_key, cite_key) VALUES (?, ?) "
                "ON CONFLICT (paper_key) DO UPDATE SET cite_key = excluded.cite_key",
                (paper.key, cite_key),
            )
        return paper

    def bib_entries(self, keys: Iterable[str]) -> dict[str, BibEntry]:
        """The imported .bib entries of these papers (papers imported otherwise have none)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, BibEntry] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT paper_key, entry_type, fields, imported FROM bib_entries WHERE paper_key IN ({marks})", chunk
            ):
                fields = [(str(name), str(value)) for name, value in json.loads(row[2])]
                found[row[0]] = BibEntry(row[0], row[1], fields, json.loads(row[3]))
        return found

    def import_bib_records(self, records: Iterable[Any]) -> BibImportStats:
        """Add bibliography entries (readr.bibtex.BibRecord, from any iterable: a generator is read
        inside the transaction, and its error rolls it back) to the inbox in one transaction.

        An entry for a paper already in the library or earlier in the import (same arXiv id or
        DOI; or the same normalised title and year in another file) is merged into it: the paper keeps its metadata and
        gains what it lacked (DOI, journal reference, abstract, a citation key, the entry as
        written); a catalogue entry joins the inbox."""
        stats = BibImportStats()
        now = now_iso()
        with immediate(self.conn):
            index = DeferredIndex(self.conn)
            # The entries of deleted papers must not come back if the paper is imported again.
            self.conn.execute("DELETE FROM bib_entries WHERE paper_key NOT IN (SELECT key FROM papers)")
            # (normalised title, year) -> the first paper with it and the file it came from (NULL:
            # already in the library), in a temporary table: memory stays flat with the file's size.
            titles = _ImportTitles(self.conn)
            for key, title, published in self.conn.execute(
                "SELECT key, title, published FROM papers WHERE status IS NOT NULL"
            ):
                found = _title_key(title, published)
                if found:
                    titles.add(found, key, None)
            for record in records:
                if record.arxiv is not None:
                    stats.arxiv += 1
                    key, arxiv_id, version, url = record.arxiv.base, record.arxiv.base, record.arxiv.version, None
                else:
                    arxiv_id, version = None, None
                    url = record.url or (f"https://doi.org/{record.doi}" if record.doi else None)
                    key = web_key(url) if url else "bib-" + _short_hash(f"{record.cite_key}\n{record.title}")
                meta = metadata_row(
                    {
                        "title": record.title or record.cite_key, "authors": record.authors,
                        "abstract": record.abstract, "categories": record.categories,
                        "published": record.year, "doi": record.doi, "journal_ref": record.journal_ref, "url": url,
                    }
                )
                title_key = _title_key(meta["title"], record.year)
                if arxiv_id is None and not self._same_title(key, meta["title"]):
                    # Another document at the same address (a folder of PDFs, a publisher's home page).
                    key = "bib-" + _short_hash(f"{record.cite_key}\n{record.title}\n{url}")
                same_title = titles.get(title_key) if title_key else None
                if same_title and same_title[1] == record.source:
                    same_title = None  # one file may hold a paper and a related entry of the same title
                existing = self._same_paper(key, arxiv_id, meta["doi"], same_title[0] if same_title else None)
                if existing is None:
                    columns = dict(meta)
                    columns.update(
                        key=key, arxiv_id=arxiv_id, read_version=version, source="bibtex", status="inbox",
                        added_at=now,
                    )
                    names = ", ".join(columns)
                    index.before_insert()
                    self.conn.execute(
                        f"INSERT INTO papers ({names}) VALUES ({', '.join('?' * len(columns))})", list(columns.values())
                    )
                    stats.created += 1
                    paper_key = key
                else:
                    paper_key = existing
                    stats.merged += 1
                    index.flush_before_update(paper_key)
                    self.conn.execute(
                        "UPDATE papers SET doi = coalesce(doi, ?), journal_ref = coalesce(journal_ref, ?), "
                        "abstract = CASE WHEN abstract = '' THEN ? ELSE abstract END, "
                        "status = coalesce(status, 'inbox'), added_at = coalesce(added_at, ?) WHERE key = ?",
                        (meta["doi"], meta["journal_ref"], meta["abstract"], now, paper_key),
                    )
                if title_key:
                    titles.add(title_key, paper_key, record.source)
                imported = {
                    "title": meta["title"], "authors": json.loads(meta["authors"]), "published": record.year,
                    "doi": meta["doi"], "url": url, "journal_ref": meta["journal_ref"],
                }
                self.conn.execute(
                    "INSERT OR IGNORE INTO bib_entries (paper_key, entry_type, fields, imported) VALUES (?, ?, ?, ?)",
                    (paper_key, record.entry_type, json.dumps(record.fields, ensure_ascii=False),
                     json.dumps(imported, ensure_ascii=False)),
                )
                if record.cite_key and self.cite_key_of(paper_key) is None:
                    if self.cite_key_taken(record.cite_key):
                        stats.keys_taken += 1
                    else:
                        self.conn.execute(
                            "INSERT INTO cite_keys (paper_key, cite_key) VALUES (?, ?)", (paper_key, record.cite_key)
                        )
            index.finish()
            titles.clear()
        return stats

    def bib_key_seen(self) -> Callable[[str], bool]:
        """A fresh record of the citation keys met in one .bib file, for a caller inside
        import_bib_records: seen(key) tells whether key was met before, and records it. Kept in a
        temporary table, not in memory."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS bib_keys_seen (cite_key TEXT PRIMARY KEY) WITHOUT ROWID")
        self.conn.execute("DELETE FROM temp.bib_keys_seen")

        def seen(cite_key: str) -> bool:
            cursor = self.conn.execute("INSERT OR IGNORE INTO temp.bib_keys_seen VALUES (?)", (cite_key,))
            return cursor.rowcount == 0

        return seen

    def _same_title(self, key: str, title: str) -> bool:
        """Whether the paper with this key (if any) has this title, as normalised_title reads them."""
        row = self.conn.execute("SELECT title FROM papers WHERE key = ?", (key,)).fetchone()
        return row is None or normalized_title(row[0]) == normalized_title(title)

    def _same_paper(
        self, key: str, arxiv_id: str | None, doi: str | None, same_title: str | None
    ) -> str | None:
        """The key of the paper an imported entry describes, if the library has it."""
        row = self.conn.execute("SELECT key FROM papers WHERE key = ?", (key,)).fetchone()
        if row is None and arxiv_id:
            row = self.conn.execute("SELECT key FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        if row is None and doi:
            row = self.conn.execute(
                "SELECT key, arxiv_id FROM papers WHERE lower(doi) = ? AND doi IS NOT NULL", (_first_doi(doi),)
            ).fetchone()
            if row is not None and arxiv_id and row[1] and row[1] != arxiv_id:
                row = None
        if row is not None:
            return str(row[0])
        if same_title:
            candidate = same_title
            other = self.conn.execute("SELECT arxiv_id, doi FROM papers WHERE key = ?", (candidate,)).fetchone()
            if other is None:
                return None
            if arxiv_id and other[0] and other[0] != arxiv_id:
                return None  # two papers with one title: both on arXiv under different ids
            if doi and other[1] and _first_doi(other[1]) != _first_doi(doi):
                return None
            return candidate
        return None


class _ImportTitles:
    """(normalised title, year) -> (paper key, source file or None), the first given kept, in a
    temporary table of the import's connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bib_import_titles (title TEXT NOT NULL, year TEXT NOT NULL, "
            "paper_key TEXT NOT NULL, source TEXT, PRIMARY KEY (title, year)) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.bib_import_titles")

    def add(self, title_key: tuple[str, str], paper_key: str, source: str | None) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO temp.bib_import_titles VALUES (?, ?, ?, ?)", (*title_key, paper_key, source)
        )

    def get(self, title_key: tuple[str, str]) -> tuple[str, str | None] | None:
        row = self.conn.execute(
            "SELECT paper_key, source FROM temp.bib_import_titles WHERE title = ? AND year = ?", title_key
        ).fetchone()
        return (row[0], row[1]) if row else None

    def clear(self) -> None:
        self.conn.execute("DELETE FROM temp.bib_import_titles")


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
