"""What every part of Store stands on: the library's file, this thread's connection, the write
transaction. The mixins (papers, search, views, pdfs, digest, bulk, maintenance) derive from
StoreBase so each one is type-checked against it; Store (readr/store/__init__.py) opens the pool.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

from ..paths import data_dir_for
from .connection import ConnectionPool, immediate


class StoreBase:
    path: Path
    _pool: ConnectionPool

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
