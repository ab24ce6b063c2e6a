"""The library store: the only place readr speaks SQL.

`Store(path)` opens (creating and migrating) a library. Each thread that uses a Store gets
its own SQLite connection; all writes are BEGIN IMMEDIATE transactions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import LibraryDamaged
from ..statuses import STATUSES
from .connection import (
    ConnectionPool, backup_to, describe_database_error, head_version, is_damage_error, migrate, now_iso,
)
from .papers import Paper, PapersMixin, normalize_tag, web_key
from .pdfs import PdfsMixin
from .digest import DigestMixin
from .bib import BibMixin
from .search import CANDIDATES, SearchHit, SearchMixin
from .views import ViewsMixin
from .bulk import BulkMixin
from .maintenance import MaintenanceMixin
from .team import TeamMixin
from .ranking import RankingMixin, RankingRow, RuleFields

__all__ = [
    "Store", "Paper", "RankingRow", "RuleFields", "SearchHit", "STATUSES", "CANDIDATES", "now_iso", "head_version",
    "normalize_tag", "web_key",
]


# Search builds on papers, views on search, digest on papers: each mixin derives from what it uses.
class Store(RankingMixin, ViewsMixin, SearchMixin, DigestMixin, BibMixin, PapersMixin, PdfsMixin, BulkMixin,
            MaintenanceMixin, TeamMixin):
    def __init__(self, path: Path | str, read_only: bool = False):
        """Open the library at `path`, creating and migrating it; with read_only=True open an
        existing library as it is (no migration), and every write fails."""
        self.path = Path(path).expanduser()
        if str(self.path) != ":memory:" and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pool = ConnectionPool(self.path, read_only=read_only)
        if read_only:
            self._pool.get()  # opens it now, so a missing or damaged file is reported here
        else:
            try:
                migrate(self.conn, self.path)
            except sqlite3.DatabaseError as exc:
                if not is_damage_error(exc):
                    raise
                self.close()
                raise LibraryDamaged(describe_database_error(exc, self.path) or str(exc), str(exc)) from None

    def schema_version(self) -> int:
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    def backup(self, target: Path | str) -> Path:
        return backup_to(self.conn, Path(target))

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
