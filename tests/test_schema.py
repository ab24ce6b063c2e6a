"""Schema and migrations: a blank database migrated to head equals schema.sql."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readr.store import Store, head_version
from readr.store.connection import migrations, split_statements

ROOT = Path(__file__).resolve().parents[1]


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return [(t, n, " ".join(s.split())) for t, n, s in rows]


def test_package_copy_of_schema_is_the_top_level_file():
    assert (ROOT / "schema.sql").read_text() == (ROOT / "readr" / "schema.sql").read_text()


def test_blank_database_migrated_to_head_equals_schema_sql(tmp_path):
    with Store(tmp_path / "migrated.db") as lib:
        migrated = schema_of(lib.conn)
        assert lib.schema_version() == head_version() == len(migrations())
    direct = sqlite3.connect(":memory:")
    for statement in split_statements((ROOT / "schema.sql").read_text()):
        direct.execute(statement)
    expected = [row for row in schema_of(direct)]
    # schema_migrations is created by the baseline, so it is in both.
    assert migrated == expected


def test_migrations_are_numbered_without_gaps():
    versions = [v for v, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_library_uses_wal_foreign_keys_and_busy_timeout(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_each_thread_gets_its_own_connection(store):
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(store.conn))
    thread.start()
    thread.join()
    assert seen[0] is not store.conn


def test_opening_an_older_library_backs_it_up_before_migrating(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    with Store(path) as lib:
        lib.add_web("https://example.org/post", "A post")
    # Pretend the file was written at version 0 of a future migration chain: lower user_version,
    # and make the current head look like one step further.
    conn = sqlite3.connect(path)
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    from readr.store import connection

    real = connection.migrations()
    extra = (current + 1, "test_extra_column", "ALTER TABLE meta ADD COLUMN note TEXT;")
    monkeypatch.setattr(connection, "migrations", lambda: [*real, extra])
    with Store(path) as lib:
        assert lib.schema_version() == current + 1
        assert lib.find("https://example.org/post") is not None
    backups = list(tmp_path.glob(f"old.db.v{current}-*.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("PRAGMA user_version").fetchone()[0] == current
    assert backup.execute("SELECT count(*) FROM papers").fetchone()[0] == 1


def test_a_library_from_a_newer_readr_is_refused(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    from readr.errors import SchemaError

    with pytest.raises(SchemaError, match="newer"):
        Store(path)
