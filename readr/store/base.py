"""What every part of Store stands on: the library's file, this thread's connection, the write
transaction, opening and closing. The mixins (papers, search, views, pdfs, digest, bulk,
maintenance, ...) derive from StoreBase so each one is type-checked against it; Store
(readr/store/library.py) is all of them, SearchStore (readr/store/search.py) the few a listing needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LibraryDamaged
from ..paths import data_dir_for
from .connection import ConnectionPool, backup_to, describe_database_error, immediate, is_damage_error, migrate

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Self


class StoreBase:
    path: Path
    _pool: ConnectionPool

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
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    def backup(self, target: Path | str) -> Path:
        return backup_to(self.conn, Path(target))

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
