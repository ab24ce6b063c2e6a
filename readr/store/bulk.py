"""Bulk catalogue loads (readr.catalogue): the SQL behind importing millions of arXiv records.

Two ways to keep the full-text index right while loading:

* "rebuild" (a big import, or a small library): in ONE write transaction, drop the
  `papers_fts_*` triggers, load every row, rebuild the FTS index once, and recreate the
  triggers from the SQL they had in sqlite_master. Atomic: a crash or an error leaves the
  library exactly as it was (triggers included). Loading this way runs at raw SQLite speed;
  with the triggers firing per row it is ~10x slower.
* "triggers" (a small import into a big library): rebuilding would re-index every paper
  already there, so the triggers index the new rows as they come.

The word list behind prefix search (fts_terms, readr.store.search) follows: rebuilt from the
index after a rebuild (~6-9 s at a million papers), or, after a load through the triggers, the
words they collected in fts_terms_new folded into it.

Either way one file is one transaction: an error leaves the library as it was.

Re-importing a paper updates its metadata only (never status, summary, tags, dates or the
version the reader has), and only when something changed and the record is not older than
what the library knows.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from ..record import record
from .base import StoreBase
from .connection import begin_immediate, now_iso
from .search import fold_new_prefix_words, rebuild_prefix_words

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# Columns a catalogue row carries, in this order (CatalogueLoader.add takes tuples like this).
CATALOGUE_COLUMNS = (
    "arxiv_id", "latest_version", "title", "authors", "authors_text", "abstract", "primary_category",
    "categories", "published", "updated", "comment", "journal_ref", "doi", "url", "pdf_url",
)
# Metadata refreshed on re-import: everything but the key.
_UPDATED = CATALOGUE_COLUMNS[2:]

_UPSERT_SQL = (
    "INSERT INTO papers (key, source, status, metadata_fetched_at, {cols}) VALUES (?1, 'arxiv', NULL, ?{now}, {marks}) "
    "ON CONFLICT (arxiv_id) DO UPDATE SET {sets}, "
    "latest_version = max(coalesce(papers.latest_version, 0), coalesce(excluded.latest_version, 0)), "
    "metadata_fetched_at = excluded.metadata_fetched_at "
    # An older record (fewer versions) never overwrites newer metadata; an identical one writes nothing.
    "WHERE (excluded.latest_version IS NULL OR papers.latest_version IS NULL "
    "       OR excluded.latest_version >= papers.latest_version) "
    "AND ({changed})"
).format(
    cols=", ".join(CATALOGUE_COLUMNS),
    now=len(CATALOGUE_COLUMNS) + 1,
    marks=", ".join(f"?{i}" for i in range(1, len(CATALOGUE_COLUMNS) + 1)),
    sets=", ".join(f"{c} = excluded.{c}" for c in _UPDATED),
    changed=" OR ".join(
        [f"papers.{c} IS NOT excluded.{c}" for c in _UPDATED]
        + ["coalesce(excluded.latest_version, 0) > coalesce(papers.latest_version, 0)"]
    ),
)

# Below this many expected rows the triggers are always cheaper than a rebuild.
SMALL_IMPORT = 2000
# Rebuild when the import is at least this share of the library after it (rebuild cost grows with
# the whole library, ~70 µs a paper; trigger cost with the import, ~300 µs a paper).
REBUILD_SHARE = 0.2
BULK_CACHE_KIB = 65536


@record
class BulkStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    mode: str = ""
    seconds_loading: float = 0.0
    seconds_indexing: float = 0.0  # the FTS rebuild and the word list, when rebuilding
    seconds_words: float = 0.0  # the word list alone

    @property
    def seen(self) -> int:
        return self.inserted + self.updated + self.unchanged


def choose_mode(expected_rows: int, existing_rows: int) -> str:
    """'rebuild' or 'triggers' for an import of about `expected_rows` into `existing_rows`."""
    if expected_rows < SMALL_IMPORT:
        return "triggers"
    if expected_rows >= REBUILD_SHARE * (existing_rows + expected_rows):
        return "rebuild"
    return "triggers"


class CatalogueLoader:
    """Loads catalogue rows; use through BulkMixin.catalogue_loader()."""

    def __init__(self, conn: sqlite3.Connection, mode: str):
        if mode not in ("rebuild", "triggers"):
            raise ValueError(f"unknown FTS mode {mode!r}")
        self.conn = conn
        self.mode = mode
        self.stats = BulkStats(mode=mode)
        self._trigger_sql: list[str] = []
        self._now = now_iso()
        self._old_cache: int | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def begin(self) -> None:
        self._old_cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        begin_immediate(self.conn)
        if self.mode == "rebuild":
            rows = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers' "
                "AND name LIKE 'papers_fts_%' ORDER BY name"
            ).fetchall()
            self._trigger_sql = [row[1] for row in rows]
            for row in rows:
                self.conn.execute(f'DROP TRIGGER "{row[0]}"')

    def finish(self) -> BulkStats:
        start = time.perf_counter()
        if self.mode == "rebuild":
            self.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
            for sql in self._trigger_sql:
                self.conn.execute(sql)
            words = time.perf_counter()
            rebuild_prefix_words(self.conn)
            self.stats.seconds_words = time.perf_counter() - words
            self.stats.seconds_indexing = time.perf_counter() - start
        else:
            fold_new_prefix_words(self.conn)
            self.stats.seconds_words = time.perf_counter() - start
        self.conn.execute("COMMIT")
        self._restore_cache()
        return self.stats

    def abort(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self._restore_cache()

    def _restore_cache(self) -> None:
        if self._old_cache is not None:
            self.conn.execute(f"PRAGMA cache_size = {int(self._old_cache)}")
            self._old_cache = None

    # --- loading -----------------------------------------------------------------------------

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert or refresh a batch of rows (tuples in CATALOGUE_COLUMNS order)."""
        if not rows:
            return
        width = len(CATALOGUE_COLUMNS)
        now = self._now
        # New rows get ids above the current maximum; rowcount (changes made by the statement
        # itself, not by the FTS triggers) counts inserts plus updates, not skipped unchanged rows.
        top = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        cursor = self.conn.executemany(_UPSERT_SQL, [(*row[:width], now) for row in rows])
        changed = max(cursor.rowcount, 0)
        inserted = self.conn.execute("SELECT count(*) FROM papers WHERE id > ?", (top,)).fetchone()[0]
        self.stats.inserted += inserted
        self.stats.updated += max(changed - inserted, 0)
        self.stats.unchanged += max(len(rows) - changed, 0)


# The triggers that index a new paper, and the same indexing done for many new rows at once.
_INDEX_ON_INSERT = {
    "papers_fts_insert": (
        "INSERT INTO papers_fts (rowid, {cols}) SELECT id, {cols} FROM papers WHERE id > ? AND id <= ?"
    ),
    "library_fts_insert": (
        "INSERT INTO library_fts (rowid, {cols}) SELECT id, {cols} FROM papers "
        "WHERE id > ? AND id <= ? AND status IS NOT NULL"
    ),
}
_FTS_COLUMNS = "title, authors_text, abstract, summary, tags_text, fulltext"


class DeferredIndex:
    """Inside a write transaction that inserts many papers: the full-text indexes get the new
    rows in one statement each (about twice as fast as a trigger per row), at the end or
    whenever a new row is about to be updated (flush_before_update: the update triggers expect
    the row indexed). The insert triggers are dropped before the first insert (before_insert)
    and recreated as they were; an error rolls the transaction back, triggers included, and a
    transaction that inserts nothing leaves the schema untouched."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.indexed = 0
        self._triggers: list[tuple[str, str]] | None = None  # dropped, to recreate

    def before_insert(self) -> None:
        if self._triggers is not None:
            return
        self.indexed = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        marks = ", ".join("?" * len(_INDEX_ON_INSERT))
        self._triggers = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", list(_INDEX_ON_INSERT)
        ).fetchall()
        for name, _ in self._triggers:
            self.conn.execute(f'DROP TRIGGER "{name}"')

    def flush(self) -> None:
        """Index the rows inserted since the last flush."""
        if self._triggers is None:
            return
        top = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        if top > self.indexed:
            for name, _ in self._triggers:
                self.conn.execute(_INDEX_ON_INSERT[name].format(cols=_FTS_COLUMNS), (self.indexed, top))
            self.indexed = top

    def flush_before_update(self, key: str) -> None:
        if self._triggers is None:
            return
        row = self.conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
        if row is not None and row[0] > self.indexed:
            self.flush()

    def finish(self) -> None:
        if self._triggers is None:
            return
        self.flush()
        for _, sql in self._triggers:
            self.conn.execute(sql)


class BulkMixin(StoreBase):
    """Methods on Store for bulk catalogue loads."""

    def paper_count(self) -> int:
        """All rows in the library, catalogue entries included."""
        count: int = self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        return count

    def catalogue_loader(self, expected_rows: int, mode: str = "auto") -> CatalogueLoader:
        """A loader for about `expected_rows` catalogue rows; call begin(), add()..., finish() or abort().

        mode "auto" picks "rebuild" or "triggers" with choose_mode().
        """
        if mode == "auto":
            mode = choose_mode(expected_rows, self.paper_count())
        return CatalogueLoader(self.conn, mode)

    def fts_integrity_check(self) -> None:
        """Raise sqlite3.DatabaseError if the full-text index does not match the papers table."""
        self.conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")

    def fts_triggers(self) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers' ORDER BY name"
            )
        ]

    def after_bulk_load(self) -> None:
        """After a big import: fold the WAL back into the library file (and truncate it), and
        let SQLite refresh its planner statistics."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("PRAGMA analysis_limit = 1000")  # statistics from a sample: fast at any size
        self.conn.execute("PRAGMA optimize")

