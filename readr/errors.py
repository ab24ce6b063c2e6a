"""User-facing errors: the CLI prints str(error) on one line and exits non-zero."""

from __future__ import annotations

from pathlib import Path


class ReadrError(Exception):
    """An error the user can act on; its message is one plain line."""


class NotFound(ReadrError):
    pass


class QueryError(ReadrError):
    pass


class SchemaError(ReadrError):
    pass


class LibraryDamaged(SchemaError):
    """The library file is damaged, truncated, or not an SQLite database at all; `reason` is
    SQLite's own words."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


class SummaryConflict(ReadrError):
    """A summary changed elsewhere since an editor loaded it; `current` is what is stored now,
    `draft` the file that keeps the refused text (when it was kept in one)."""

    def __init__(self, message: str, current: str = "", draft: Path | None = None):
        super().__init__(message)
        self.current = current
        self.draft = draft


class LibraryBusy(ReadrError):
    """Another process held the library's write lock longer than the busy timeout."""
