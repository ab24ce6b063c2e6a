"""`readr check` finds each kind of damage and says so in plain words; `--repair` rebuilds derived
data only; `readr backup` copies are verified."""

from __future__ import annotations

import json
import sqlite3

import pytest

from readr.maintenance import backup, check, verify_copy
from readr.store import Store, head_version


@pytest.fixture
def lib(db_path):
    with Store(db_path) as store:
        for i in range(5):
            url = f"https://example.org/{i}"
            store.add_web(url, f"paper {i}")
            store.set_summary(url, f"notes {i} **point {i}**")
            store.add_tags([url], ["alpha", f"t{i}"])
        yield store


def raw(db_path) -> sqlite3.Connection:
    return sqlite3.connect(db_path, isolation_level=None)


def findings(report) -> dict[str, bool]:
    return {f.name: f.ok for f in report.findings}


def test_a_healthy_library(cli, lib):
    report = check(lib)
    assert report.ok and all(findings(report).values())
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1].endswith("the library is healthy")
    data = json.loads(cli("check", "--json").stdout)
    assert data["ok"] is True and {c["check"] for c in data["checks"]} == {
        "integrity", "foreign-keys", "schema", "search-index", "prefix-search", "takeaways", "tags"}


def test_derived_data_out_of_sync_is_found_and_repaired(cli, lib, db_path):
    conn = raw(db_path)
    conn.execute("DELETE FROM takeaways WHERE paper_id = 1")
    conn.execute("UPDATE takeaways SET text = 'stale' WHERE paper_id = 2")
    conn.execute("UPDATE papers SET tags_text = 'gone' WHERE id = 3")
    conn.execute("DROP TRIGGER papers_fts_update")
    # The index no longer matches: a summary changed without the trigger.
    conn.execute("UPDATE papers SET summary = 'rewritten **new point**' WHERE url = 'https://example.org/4'")
    conn.close()
    report = check(lib)
    assert findings(report) == {"integrity": True, "foreign-keys": True, "schema": True, "search-index": False,
                                "prefix-search": True, "takeaways": False, "tags": False}
    lines = report.lines()
    assert "PROBLEM: 3 papers have takeaways that differ from the bold text of their summary" in "\n".join(lines)
    assert any("papers_fts_update missing" in line for line in lines)
    assert "readr check --repair" in lines[-1]
    result = cli("check")
    assert result.exit_code == 1
    repaired = cli("check", "--repair")
    assert repaired.exit_code == 0, repaired.stdout
    assert "repaired: takeaways" in repaired.stdout
    assert check(lib).ok
    assert lib.get("https://example.org/4").takeaways == ["new point"]
    assert [h.paper.key for h in lib.search("rewritten")] == [lib.get("https://example.org/4").key]
    # The trigger is back: later edits stay indexed.
    lib.set_summary("https://example.org/4", "again **fresh**")
    assert check(lib).ok
    # The reader's own data was not touched by the repair.
    assert [p.summary for p in lib.list_papers()][::-1][:3] == ["notes 0 **point 0**", "notes 1 **point 1**",
                                                               "notes 2 **point 2**"]


def test_an_out_of_sync_search_index_is_found(lib, db_path):
    conn = raw(db_path)
    conn.execute("INSERT INTO papers_fts"
                 " (papers_fts, rowid, title, authors_text, abstract, summary, tags_text, fulltext)"
                 " VALUES ('delete', 2, 'paper 1', '', '', 'notes 1 **point 1**', 'alpha t1', NULL)")
    conn.close()
    report = check(lib)
    assert findings(report)["search-index"] is False
    assert check(lib, repair=True).ok


def test_orphans_and_migration_records_are_reported_not_repaired(cli, lib, db_path):
    conn = raw(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (999, 1)")
    conn.execute("DELETE FROM schema_migrations WHERE version = 1")
    conn.close()
    report = check(lib, repair=True)
    assert findings(report)["foreign-keys"] is False and findings(report)["schema"] is False
    assert report.repaired == []
    text = "\n".join(report.lines())
    assert "1 row in paper_tags point at papers or tags that no longer exist" in text
    assert f"migration records list {list(range(2, head_version() + 1))}" in text
    assert cli("check").exit_code == 1


def test_backup_is_a_verified_working_library(lib, tmp_path):
    target = backup(lib, tmp_path / "copy.db")
    assert verify_copy(target) is None
    with Store(target) as copy:
        assert [p.key for p in copy.list_papers()] == [p.key for p in lib.list_papers()]
        assert copy.get("https://example.org/3").takeaways == ["point 3"]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    assert verify_copy(garbage) is not None
    # No temporary file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


# --- a library the user may only read ------------------------------------------------------------


def test_a_library_opened_read_only_checks_clean_and_its_damage_is_still_found(lib, db_path):
    lib.close()
    with Store(db_path, read_only=True) as read_only:
        report = check(read_only)
        assert report.ok, report.lines()
        assert findings(report)["search-index"] is True
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            read_only.set_summary("https://example.org/1", "changed")
    # The read-only check really looks at the index (on a private copy), it does not just skip it.
    conn = raw(db_path)
    conn.execute("INSERT INTO papers_fts"
                 " (papers_fts, rowid, title, authors_text, abstract, summary, tags_text, fulltext)"
                 " VALUES ('delete', 2, 'paper 1', '', '', 'notes 1 **point 1**', 'alpha t1', NULL)")
    conn.close()
    with Store(db_path, read_only=True) as read_only:
        report = check(read_only)
        assert findings(report)["search-index"] is False
        assert [p.name for p in tmp_copies()] == []


def tmp_copies():
    import tempfile
    from pathlib import Path

    return [p for p in Path(tempfile.gettempdir()).glob("readr-check-*")]


def run_as_a_user_who_cannot_write(folder, *args: str, folder_writable: bool = False):
    """Run the real `readr` where the library (and its folder, unless folder_writable) is not
    writable. Root writes through any chmod, so as root the command runs as the user `nobody`."""
    import os
    import shutil
    import subprocess
    import sys

    for path in [folder, *folder.iterdir()]:
        path.chmod((0o777 if folder_writable else 0o555) if path.is_dir() else 0o444)
    command = [sys.executable, "-m", "readr", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root, and no setpriv to drop to a user that chmod stops")
        command = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    env = {**os.environ, "HOME": str(folder), "READR_CONFIG": str(folder / "config.toml")}
    try:
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("folder_writable", [False, True])
def test_readr_check_on_a_read_only_library_is_clean(lib, folder_writable):
    import tempfile
    from pathlib import Path

    lib.close()
    # A folder every user can reach (pytest's tmp_path is private to the user running it).
    folder = Path(tempfile.mkdtemp(prefix="readr-readonly-"))
    try:
        folder.chmod(0o755)
        conn = raw(lib.path)
        conn.execute(f"VACUUM INTO '{folder / 'lib.db'}'")
        conn.close()
        Store(folder / "lib.db").close()  # as readr leaves it: in WAL mode
        result = run_as_a_user_who_cannot_write(folder, "--db", "lib.db", "check", folder_writable=folder_writable)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "PROBLEM" not in result.stdout
        assert result.stdout.strip().splitlines()[-1] == "lib.db: the library is healthy"
        listed = run_as_a_user_who_cannot_write(folder, "--db", "lib.db", "list", folder_writable=folder_writable)
        assert listed.returncode == 0 and "paper 3" in listed.stdout, listed.stderr
        refused = run_as_a_user_who_cannot_write(
            folder, "--db", "lib.db", "tag", "https://example.org/1", "x", folder_writable=folder_writable)
        assert refused.returncode == 1 and "read-only" in refused.stderr
    finally:
        import shutil

        for path in [folder, *folder.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


# --- a damaged file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_readr_check_on_a_damaged_file_says_what_to_do(cli, lib, db_path, damage):
    import random

    lib.close()
    conn = raw(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if damage == "random bytes":
        db_path.write_bytes(random.Random(11).randbytes(64 * 1024))
    else:
        db_path.write_bytes(db_path.read_bytes()[: 3 * 4096])
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("PROBLEM: the library file is damaged or is not a readr library")
    assert "`readr check` tells more" not in result.stdout
    assert "cannot mend this" in lines[-1] and "No backup of it was found" in lines[-1]
    assert ".recover" in lines[-1]
    # With backups, it names the newest one.
    backups = db_path.parent / "lib.files" / "backups"
    backups.mkdir(parents=True)
    older = db_path.parent / "lib.db.v4-20240101-000000.bak"
    older.write_bytes(b"old")
    newest = backups / "lib-20250101-000000.db"
    newest.write_bytes(b"new")
    import os

    os.utime(older, (1_600_000_000, 1_600_000_000))
    result = cli("check", "--repair")
    assert result.exit_code == 1
    assert f"Restore the newest backup, {newest} " in result.stdout
    assert "(and 1 older one)" in result.stdout
    data = json.loads(cli("check", "--json").stdout)
    assert data["ok"] is False and [c["check"] for c in data["checks"]] == ["integrity"]
    # Other commands point at `readr check`, which now says more.
    listed = cli("list")
    assert listed.exit_code == 1 and "readr check" in listed.output
