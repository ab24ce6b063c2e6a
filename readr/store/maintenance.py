"""The SQL behind `readr backup` and `readr check`, and the cheap "did anything change?" probe.

* `vacuum_into(target)`: an online, compact copy of the library (`VACUUM INTO`). It reads one
  consistent snapshot, so it is safe while other readr processes write.
* `integrity_problems()`, `foreign_key_problems()`, `fts_problems()`, `prefix_words_missing()`,
  `takeaway_mismatches()`, `tags_text_mismatches()`, `migration_records()`: the raw facts
  `readr.maintenance.check()` turns into plain words.
* `rebuild_derived()`: recomputes what is derived from the reader's own data (the full-text
  indexes and the word list of prefix search, takeaways, tags_text); it never changes the data
  itself.
* `changed_since_last_check()`: `PRAGMA data_version` of this thread's connection, which moves
  whenever another connection (another process, or another thread of this one) commits.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from ..takeaways import extract_takeaways
from ..wording import plural
from .base import StoreBase
from .connection import immediate, is_readonly_error
from .search import prefix_words_missing, rebuild_prefix_words

MAX_REPORTED = 20


class NotChecked(Exception):
    """A check that could not run, for a reason that is no fault of the library (its message says why)."""


class MaintenanceMixin(StoreBase):
    """Methods on Store; `self.conn` is this thread's connection."""

    # --- backup ------------------------------------------------------------------------------

    def vacuum_into(self, target: Path | str) -> Path:
        """Write a compact, consistent copy of the library to `target` (which must not exist).

        The copy is written under a temporary name in the same folder, synced and renamed, so
        `target` is either absent or a complete library, even if readr is killed meanwhile.
        """
        target = Path(target)
        tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
        if tmp.exists():
            tmp.unlink()
        try:
            # VACUUM INTO cannot run inside a transaction; it reads one snapshot of the file.
            self.conn.execute("VACUUM INTO ?", (str(tmp),))
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            if target.exists():
                raise FileExistsError(str(target))
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        _fsync_dir(target.parent)
        return target

    # --- checks ------------------------------------------------------------------------------

    def integrity_problems(self, limit: int = MAX_REPORTED) -> list[str]:
        """SQLite's own `PRAGMA integrity_check` lines; empty when the file is sound."""
        rows = [row[0] for row in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
        return [] if rows == ["ok"] else rows

    def foreign_key_problems(self, limit: int = MAX_REPORTED) -> list[tuple[str, int | None, str]]:
        """(table, rowid, referenced table) for rows pointing at something that is gone."""
        rows = self.conn.execute("PRAGMA foreign_key_check").fetchmany(limit)
        return [(row[0], row[1], row[2]) for row in rows]

    def fts_problems(self) -> str | None:
        """None when the full-text indexes match the papers table, else SQLite's message.

        FTS5's integrity check is an INSERT command, which a library the user may only read
        refuses: there it runs on a private copy in the temporary folder (NotChecked when no
        copy can be made there).
        """
        try:
            return _fts_problems(self.conn)
        except sqlite3.DatabaseError as exc:
            if not is_readonly_error(exc):
                raise
        import tempfile

        try:
            with tempfile.TemporaryDirectory(prefix="readr-check-") as folder:
                copy = sqlite3.connect(str(Path(folder) / "copy.db"), isolation_level=None)
                try:
                    self.conn.backup(copy)
                    return _fts_problems(copy)
                finally:
                    copy.close()
        except (OSError, sqlite3.OperationalError) as exc:
            raise NotChecked(
                f"the library is read-only, and no copy to check could be made in {tempfile.gettempdir()} ({exc})"
            ) from None

    def prefix_words_missing(self, limit: int = MAX_REPORTED) -> tuple[int, list[str]]:
        """(count, first few) of the indexed words prefix search cannot expand to (see
        readr.store.search); (0, []) in a sound library. Seconds at a million papers."""
        return prefix_words_missing(self.conn, limit)

    def missing_fts_triggers(self) -> list[str]:
        have = {
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers'"
            )
        }
        return [name for name in FTS_TRIGGERS if name not in have]

    def migration_records(self) -> list[tuple[int, str]]:
        rows = self.conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(row[0], row[1]) for row in rows]

    def takeaway_mismatches(self, limit: int = MAX_REPORTED) -> tuple[int, list[str]]:
        """(count, first keys) of papers whose stored takeaways differ from their summary's bold spans."""
        stored: dict[int, list[str]] = {}
        for paper_id, text in self.conn.execute("SELECT paper_id, text FROM takeaways ORDER BY paper_id, position"):
            stored.setdefault(paper_id, []).append(text)
        count = 0
        keys: list[str] = []
        cursor = self.conn.execute(
            "SELECT id, key, summary FROM papers WHERE summary != '' OR id IN (SELECT paper_id FROM takeaways)"
        )
        for paper_id, key, summary in cursor:
            if extract_takeaways(summary) != stored.get(paper_id, []):
                count += 1
                if len(keys) < limit:
                    keys.append(key)
        return count, keys

    def tags_text_mismatches(self, limit: int = MAX_REPORTED) -> tuple[int, list[str]]:
        """(count, first keys) of papers whose tags_text (what search sees) differs from their tags."""
        sql = (
            "SELECT p.key FROM papers p WHERE p.tags_text IS NOT coalesce((SELECT group_concat(name, ' ') FROM "
            "(SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id "
            "ORDER BY t.name COLLATE NOCASE)), '')"
        )
        keys = [row[0] for row in self.conn.execute(sql)]
        return len(keys), keys[:limit]

    def rebuild_derived(self) -> None:
        """Recompute takeaways, tags_text, the full-text indexes and the word list of prefix search
        from the reader's data."""
        with immediate(self.conn):
            self.conn.execute(
                "UPDATE papers SET tags_text = coalesce((SELECT group_concat(name, ' ') FROM "
                "(SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = papers.id "
                "ORDER BY t.name COLLATE NOCASE)), '') WHERE tags_text IS NOT coalesce((SELECT group_concat(name, ' ') "
                "FROM (SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = papers.id "
                "ORDER BY t.name COLLATE NOCASE)), '')"
            )
            self.conn.execute("DELETE FROM takeaways")
            rows = []
            for paper_id, summary in self.conn.execute("SELECT id, summary FROM papers WHERE summary != ''"):
                rows += [(paper_id, i, text) for i, text in enumerate(extract_takeaways(summary))]
            self.conn.executemany("INSERT INTO takeaways (paper_id, position, text) VALUES (?, ?, ?)", rows)
            for sql in _head_fts_triggers(self.missing_fts_triggers()):
                self.conn.execute(sql)
            self.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
            self.conn.execute("DELETE FROM library_fts")
            self.conn.execute(
                "INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext) "
                "SELECT id, title, authors_text, abstract, summary, tags_text, fulltext FROM papers "
                "WHERE status IS NOT NULL"
            )
            rebuild_prefix_words(self.conn)

    # --- noticing outside changes --------------------------------------------------------------

    def changed_since_last_check(self) -> bool:
        """True when another connection committed to the library since this thread last asked.

        "Another connection" is another readr process (the CLI while the TUI is open) or another
        thread of this process (each thread has its own connection). This thread's own commits do
        not count. The first call on a thread only takes the baseline and returns False. Costs one
        `PRAGMA data_version`, a few microseconds: cheap enough to poll several times a second.
        """
        local = self.__dict__.get("_data_version_local")
        if local is None:
            local = self.__dict__.setdefault("_data_version_local", threading.local())
        conn = self.conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        seen = getattr(local, "seen", None)
        local.seen = (id(conn), version)
        return seen is not None and seen != (id(conn), version)


def _fts_problems(conn: sqlite3.Connection) -> str | None:
    """See MaintenanceMixin.fts_problems; raises SQLite's error when the check cannot run."""
    try:
        conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute("INSERT INTO library_fts (library_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        if is_readonly_error(exc):
            raise
        return str(exc)
    stray = conn.execute(
        "SELECT (SELECT count(*) FROM papers WHERE status IS NOT NULL AND id NOT IN (SELECT rowid FROM library_fts))"
        " + (SELECT count(*) FROM library_fts WHERE rowid NOT IN (SELECT id FROM papers WHERE status IS NOT NULL))"
    ).fetchone()[0]
    if stray:
        return f"the reading list's search index is out of step with {plural(stray, 'paper')}"
    return None


FTS_TRIGGERS = (
    "library_fts_delete", "library_fts_insert", "library_fts_update",
    "papers_fts_delete", "papers_fts_insert", "papers_fts_terms_insert", "papers_fts_terms_update", "papers_fts_update",
)


def _head_fts_triggers(names: list[str]) -> list[str]:
    """CREATE TRIGGER statements of the head schema for the named triggers."""
    from importlib import resources

    from .connection import split_statements

    script = resources.files("readr").joinpath("schema.sql").read_text(encoding="utf-8")
    wanted = []
    for statement in split_statements(script):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()
        for name in names:
            if body.split()[:3] == ["CREATE", "TRIGGER", name]:
                wanted.append(body)
    return wanted


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def verify_library_file(path: Path) -> str | None:
    """None if the file at `path` is a sound readr library, else why not (no migration, no WAL)."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if rows != ["ok"]:
            return "; ".join(rows)
        conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return None
