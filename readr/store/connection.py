"""Opening a library: connection settings, migrations and the write transaction.

Every thread gets its own connection (sqlite3 connections must not be shared across
threads). Writes go through `Store.write()`, which uses BEGIN IMMEDIATE: a deferred
transaction that reads and then writes gets SQLITE_BUSY at once instead of waiting on the
busy timeout.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator
from urllib.parse import quote

from ..clock import clock
from ..errors import LibraryDamaged, SchemaError

BUSY_TIMEOUT_MS = 15_000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def now_iso() -> str:
    return clock.now_iso()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped in readr/migrations, in order."""
    found = []
    # The package's folder read directly: importlib.resources costs more to import than opening
    # a library takes, and every command opens one.
    folder = Path(__file__).resolve().parent.parent / "migrations"
    for name in os.listdir(folder):
        match = _MIGRATION_NAME.match(name)
        if match:
            found.append((int(match.group(1)), match.group(2), (folder / name).read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise SchemaError(f"migration {name} has number {version}, expected {expected}")
    return found


def head_version() -> int:
    return len(migrations())


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies stay whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement and not all(
                part.strip().startswith("--") or not part.strip() for part in statement.splitlines()
            ):
                statements.append(statement)
            buffer = ""
    if buffer.strip() and not all(p.strip().startswith("--") or not p.strip() for p in buffer.splitlines()):
        raise SchemaError("incomplete SQL statement at the end of a migration")
    return statements


def configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    add_functions(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = _switch_to_wal(conn)
    if mode.lower() not in ("wal", "memory"):
        raise SchemaError(f"could not switch the library to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = NORMAL")


def add_functions(conn: sqlite3.Connection) -> None:
    """readr's SQL functions. readr_finds(pattern, text, ...): 1 when the regular expression
    `pattern` (case-insensitive) occurs in any of the texts; search uses it to keep the hits
    that hold a term as written (C++, C#), which the full-text index cannot tell apart ("c")."""
    conn.create_function("readr_finds", -1, _finds, deterministic=True)


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _finds(pattern: str, *texts: str | None) -> int:
    regex = _compiled(pattern)
    return int(any(text and regex.search(text) for text in texts))


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Set WAL mode. Switching needs a moment alone with a brand-new file: when several readr
    processes create the library at once, SQLite answers "locked" without waiting, so wait here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode: str = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            return mode
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def connect(path: Path | str, read_only: bool = False) -> sqlite3.Connection:
    """This thread's connection to the library at `path`.

    A library the user may only read (the file, or its folder, not writable) opens read-only:
    reading works, and any write fails with SQLite's "readonly database" error.
    """
    if not read_only:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True)
        try:
            configure(conn)
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            if not (is_readonly_error(exc) and Path(path).is_file()):
                _raise_described(exc, Path(path))
    try:
        return _connect_read_only(Path(path))
    except sqlite3.DatabaseError as exc:
        _raise_described(exc, Path(path))
        raise  # unreachable: _raise_described always raises


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open `path` with mode=ro. Reading a WAL library needs its -shm file; in a folder the user
    cannot write, where SQLite cannot create one, open it as immutable instead, which is exact
    as long as there is no committed data waiting in a -wal file (then give SQLite's error)."""
    uri = "file:" + quote(str(path.absolute())) + "?mode=ro"
    try:
        return _open_uri(uri)
    except sqlite3.DatabaseError as exc:
        wal = path.with_name(path.name + "-wal")
        if not (is_readonly_error(exc) or "unable to open" in str(exc)) or (wal.exists() and wal.stat().st_size):
            raise
    return _open_uri(uri + "&immutable=1")


def _open_uri(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True)
    try:
        conn.row_factory = sqlite3.Row
        add_functions(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA user_version").fetchone()  # reads the file: fails here if it cannot be read
    except BaseException:
        conn.close()
        raise
    return conn


def is_readonly_error(exc: BaseException) -> bool:
    """True for SQLite's SQLITE_READONLY family: the library (or its folder) cannot be written."""
    code: int | None = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_READONLY
    return "readonly" in str(exc)


def _raise_described(exc: sqlite3.DatabaseError, path: Path) -> None:
    problem = describe_database_error(exc, path)
    if problem is None:
        raise exc
    if is_damage_error(exc):
        raise LibraryDamaged(problem, str(exc)) from None
    raise SchemaError(problem) from None


def is_damage_error(exc: BaseException) -> bool:
    """True when SQLite says the file is not a sound database (damaged, truncated, or something else)."""
    text = str(exc)
    return "not a database" in text or "malformed" in text or "encrypted" in text


def describe_database_error(exc: sqlite3.DatabaseError, path: Path | None = None) -> str | None:
    """One plain line for SQLite errors a user can meet (a damaged or foreign file, a full disk), else None."""
    text = str(exc)
    where = str(path) if path else "the library"
    if is_damage_error(exc):
        return f"{where} is damaged or is not a readr library ({text}); `readr check` tells more"
    if "disk is full" in text or "disk I/O error" in text:
        return f"cannot write {where}: {text}; nothing was changed"
    if "readonly" in text or "read-only" in text:
        return f"{where} is read-only: {text}"
    if "unable to open" in text:
        return f"cannot open {where}: {text}"
    return None


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Online backup through SQLite's backup API (safe while other processes write)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Per process and thread: two readr processes backing up at once must not share a temporary file.
    tmp = target.with_name(f"{target.name}.partial-{os.getpid()}-{threading.get_ident()}")
    if tmp.exists():
        tmp.unlink()
    dest = sqlite3.connect(str(tmp))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    tmp.replace(target)
    return target


def migrate(conn: sqlite3.Connection, path: Path | None) -> int:
    """Bring the library to the head schema; back the file up first if it already had data.

    One write transaction from the backup to the last step: another readr process starting at the
    same moment waits, then finds the library migrated (no second backup of a half-new file), and
    a crash anywhere leaves the library at its old version with nothing half-applied.
    """
    steps = migrations()
    head = len(steps)
    current: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > head:
        raise SchemaError(
            f"this library has schema version {current}, newer than this readr knows ({head}); upgrade readr"
        )
    if current == head:
        return current
    begin_immediate(conn)
    try:
        # Another process may have migrated while we waited for the lock.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current >= head:
            conn.execute("ROLLBACK")
            return current
        if current > 0 and path is not None:
            # Read through a second connection: it sees the file as committed, and our write lock
            # keeps every other writer out until the migration is done.
            stamp = clock.now().strftime("%Y%m%d-%H%M%S")
            source = sqlite3.connect(str(path))
            try:
                backup_to(source, Path(path).with_name(f"{Path(path).name}.v{current}-{stamp}.bak"))
            finally:
                source.close()
        for version, name, sql in steps[current:]:
            for statement in split_statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, now_iso()),
            )
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return head


class ConnectionPool:
    """One connection per thread, all to the same file."""

    def __init__(self, path: Path | str, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, read_only=self.read_only)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass  # created in another thread that is gone; the GC closes it
            self._all.clear()
        self._local = threading.local()


def begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE; a lock still held by another process after the busy timeout is a one-line error."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            from ..errors import LibraryBusy

            raise LibraryBusy(
                f"the library is busy: another readr process has been writing to it for over "
                f"{BUSY_TIMEOUT_MS / 1000:g} s (a big import?); nothing was changed, try again when it is done"
            ) from None
        raise


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction: BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    Nested use joins the outer transaction.
    """
    if conn.in_transaction:
        yield conn
        return
    begin_immediate(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
