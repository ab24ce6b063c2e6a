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
    conn.execute("INSERT INTO papers_fts (papers_fts, rowid, title, authors_text, abstract, summary, tags_text, fulltext)"
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
