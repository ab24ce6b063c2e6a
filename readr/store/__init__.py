"""The library store: the only place readr speaks SQL.

`Store(path)` opens (creating and migrating) a library. Each thread that uses a Store gets
its own SQLite connection; all writes are BEGIN IMMEDIATE transactions.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..paths import data_dir_for
from ..errors import LibraryDamaged
from .connection import (
    ConnectionPool, backup_to, describe_database_error, head_version, immediate, is_damage_error, migrate, now_iso,
)
from .papers import STATUSES, Paper, PapersMixin, normalize_tag, web_key
from .pdfs import PdfsMixin
from .digest import DigestMixin
from .search import CANDIDATES, SearchHit, SearchMixin
from .views import ViewsMixin
from .bulk import BulkMixin
from .maintenance import MaintenanceMixin

__all__ = [
    "Store", "Paper", "SearchHit", "STATUSES", "CANDIDATES", "now_iso", "head_version", "normalize_tag", "web_key",
]


class Store(PapersMixin, SearchMixin, ViewsMixin, PdfsMixin, DigestMixin, BulkMixin, MaintenanceMixin):
    def __init__(self, path: Path | str, read_only: bool = False):
        """Open the library at `path`, creating and migrating it; with read_only=True open an
        existing library as it is (no migration), and every write fails."""
        self.path = Path(path).expanduser()
        if str(self.path) != ":memory:" and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pool = ConnectionPool(self.path, read_only=read_only)
        if read_only:
            self.conn  # opens it now, so a missing or damaged file is reported here
        else:
            try:
                migrate(self.conn, self.path)
            except sqlite3.DatabaseError as exc:
                if not is_damage_error(exc):
                    raise
                self.close()
                raise LibraryDamaged(describe_database_error(exc, self.path) or str(exc), str(exc)) from None

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        return self._pool.get()

    @property
    def data_dir(self) -> Path:
        """Where PDFs, figures and drafts of this library live."""
        return data_dir_for(self.path)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A BEGIN IMMEDIATE transaction on this thread's connection."""
        with immediate(self.conn) as conn:
            yield conn

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def backup(self, target: Path | str) -> Path:
        return backup_to(self.conn, Path(target))

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
