"""Two readr processes on one library: no "database is locked", no lost writes, and the
long-lived reader (the TUI) notices what the other process wrote."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from readr.maintenance import backup, check, verify_copy
from readr.store import Store

ROOT = Path(__file__).resolve().parents[1]
WRITES = 1000

WORKER = textwrap.dedent(
    r'''
    import os, sys, time
    from readr.store import Store

    db, name, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    lib = Store(db)                      # both processes open (and create) the library at once
    while not os.path.exists(go):
        time.sleep(0.001)
    done = 0
    for i in range(n):
        op = i % 5
        own = f"https://{name}.example/{i - i % 5}"
        if op == 0:
            lib.add_web(own, f"{name} paper {i}")
        elif op == 1:
            lib.add_tags(["https://shared.example/"], [f"{name}-{i}"])
        elif op == 2:
            lib.set_summary(own, f"{name} wrote this at write {i}: **takeaway {name} {i}**")
        elif op == 3:
            lib.set_status([own], "read")
        else:
            with lib.write():          # read-modify-write: a lost update would show in the total
                value = int(lib.get_meta("counter") or 0)
                lib.set_meta("counter", str(value + 1))
        done += 1
    lib.close()
    print(done)
    '''
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )


def test_two_processes_1000_interleaved_writes_each_none_lost(tmp_path):
    db = tmp_path / "library.db"
    go = tmp_path / "go"
    with Store(db) as lib:
        lib.add_web("https://shared.example/", "shared paper")
    procs = {name: _spawn(str(db), name, str(WRITES), str(go)) for name in ("a", "b")}
    time.sleep(0.5)  # let both import and open the library
    go.touch()
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=240)
        results[name] = (proc.returncode, out, err)
    for name, (code, out, err) in results.items():
        assert "locked" not in err.lower(), err
        assert code == 0 and out.strip() == str(WRITES), (name, code, err[-2000:])

    with Store(db) as lib:
        per = WRITES // 5
        for name in ("a", "b"):
            for k in range(per):
                i = 5 * k
                paper = lib.get(f"https://{name}.example/{i}")
                assert paper.title == f"{name} paper {i}"
                assert paper.summary == f"{name} wrote this at write {i + 2}: **takeaway {name} {i + 2}**"
                assert paper.takeaways == [f"takeaway {name} {i + 2}"]
                assert paper.status == "read" and paper.read_at
        shared = lib.get("https://shared.example/")
        expected_tags = {f"{name}-{5 * k + 1}" for name in ("a", "b") for k in range(per)}
        assert set(shared.tags) == expected_tags
        assert lib.get_meta("counter") == str(2 * per)
        # read_seq is handed out inside the write lock: unique, no gaps.
        seqs = [row[0] for row in lib.conn.execute("SELECT read_seq FROM papers WHERE read_seq IS NOT NULL")]
        assert sorted(seqs) == list(range(1, 2 * per + 1))
        # The writes really were interleaved, not one process after the other (a-b-a at least: on
        # a loaded machine the scheduler gives each process long turns, so no higher count).
        order = [row[0][8] for row in lib.conn.execute("SELECT url FROM papers WHERE source = 'web' AND url != "
                                                            "'https://shared.example/' ORDER BY id")]
        switches = sum(1 for x, y in zip(order, order[1:]) if x != y)
        assert switches >= 2, f"only {switches} switches between the processes: {''.join(order)[:80]}"
        report = check(lib)
        assert report.ok, report.lines()


def test_the_reader_notices_outside_changes_and_a_long_read_does_not_block_writers(tmp_path, monkeypatch):
    db = tmp_path / "library.db"
    monkeypatch.setenv("READR_DB", str(db))
    tui = Store(db)
    tui.add_web("https://example.org/p", "a paper")
    assert tui.changed_since_last_check() is False  # the first call takes the baseline
    assert tui.changed_since_last_check() is False
    tui.set_summary("https://example.org/p", "my own write")
    assert tui.changed_since_last_check() is False  # its own commits do not count

    # The TUI sits in a read transaction (scrolling a big list) while the CLI writes.
    tui.conn.execute("BEGIN")
    assert tui.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 1
    started = time.monotonic()
    cli = subprocess.run(
        [sys.executable, "-m", "readr", "tag", "https://example.org/p", "from-cli"],
        capture_output=True, text=True, env=_env(), timeout=60,
    )
    assert cli.returncode == 0, cli.stderr
    assert time.monotonic() - started < 10
    assert tui.get("https://example.org/p").tags == []  # still its snapshot
    tui.conn.execute("COMMIT")
    assert tui.changed_since_last_check() is True
    assert tui.changed_since_last_check() is False
    assert tui.get("https://example.org/p").tags == ["from-cli"]

    # Another thread of the same process counts as outside too (the TUI's workers).
    import threading

    def worker():
        tui.add_tags(["https://example.org/p"], ["from-thread"])

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert tui.changed_since_last_check() is True
    tui.close()


BACKUP_WRITER = textwrap.dedent(
    r'''
    import sys
    from readr.store import Store

    lib = Store(sys.argv[1])
    for i in range(int(sys.argv[2])):
        with lib.write():                # one paper and the counter move together
            lib.add_web(f"https://w.example/{i}", f"paper {i} " + "x" * 2000)
            lib.set_meta("written", str(i + 1))
    lib.close()
    '''
)


def test_backup_while_another_process_writes_is_consistent(tmp_path):
    db = tmp_path / "library.db"
    Store(db).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", BACKUP_WRITER, str(db), "1500"], stderr=subprocess.PIPE, text=True, env=_env()
    )
    copies = []
    with Store(db) as lib:
        try:
            for n in range(6):
                time.sleep(0.15)
                copies.append(backup(lib, tmp_path / f"copy-{n}.db"))
        finally:
            _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    counts = []
    for copy in copies:
        assert verify_copy(copy) is None
        with Store(copy) as snap:
            written = int(snap.get_meta("written") or 0)
            papers = snap.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
            assert papers == written  # never half a transaction
            assert check(snap).ok
            counts.append(written)
    assert counts == sorted(counts)
    assert any(0 < c < 1500 for c in counts), counts  # some copies were taken mid-stream


def test_backup_refuses_to_overwrite_or_to_target_the_library(tmp_path, cli, db_path):
    assert cli("add", "--web", "https://example.org/x", "--title", "x").exit_code == 0
    target = tmp_path / "b.db"
    first = cli("backup", str(target))
    assert first.exit_code == 0, first.output
    assert target.is_file() and verify_copy(target) is None
    again = cli("backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.output
    same = cli("backup", str(db_path))
    assert same.exit_code == 1 and "library itself" in same.output
    assert cli("backup", str(target), "--force").exit_code == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    into = cli("backup", str(folder))
    assert into.exit_code == 0 and len(list(folder.glob("lib-*.db"))) == 1
    default = cli("backup")
    assert default.exit_code == 0
    assert len(list((tmp_path / "lib.files" / "backups").glob("lib-*.db"))) == 1


LONG_IMPORT = textwrap.dedent(
    r'''
    import sys, time
    from pathlib import Path
    from readr.store import Store
    from readr.catalogue import import_file

    from readr.store.bulk import CatalogueLoader

    db, source, ready, release = sys.argv[1:5]
    lib = Store(db)
    real_add = CatalogueLoader.add

    def add(self, rows):
        real_add(self, rows)
        open(ready, "w").close()
        while not Path(release).exists():   # a long import: holds the write lock meanwhile
            time.sleep(0.01)

    CatalogueLoader.add = add
    import_file(lib, Path(source))
    print("imported")
    '''
)


def test_a_write_during_a_long_import_fails_in_one_line_then_works(tmp_path, monkeypatch, cli, db_path):
    pytest.importorskip("readr.catalogue")
    import json

    import readr.store.connection as connection

    assert cli("add", "--web", "https://example.org/mine", "--title", "mine").exit_code == 0
    source = tmp_path / "catalogue.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for i in range(1, 2501):
            out.write(json.dumps({"id": f"2301.{i:05d}", "title": f"Bulk {i}", "authors": "A. B", "abstract": "x",
                                  "categories": "cs.LG",
                                  "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 10:00:00 GMT"}]}) + "\n")
    ready, release = tmp_path / "ready", tmp_path / "release"
    importer = subprocess.Popen(
        [sys.executable, "-c", LONG_IMPORT, str(db_path), str(source), str(ready), str(release)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert importer.poll() is None, importer.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 300)  # instead of waiting the real 15 s
        before = Store(db_path).get("https://example.org/mine")
        for args in (("tag", "https://example.org/mine", "t"), ("note", "https://example.org/mine", "**n**"),
                     ("read", "https://example.org/mine"), ("add", "--web", "https://example.org/new", "--title", "n")):
            result = cli(*args)
            assert result.exit_code == 1, (args, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "the library is busy" in lines[0], result.stderr
        # Reading is never blocked by a writer.
        listed = cli("list", "--json")
        assert listed.exit_code == 0 and [p["id"] for p in json.loads(listed.stdout)] == [before.key]
        after = Store(db_path).get("https://example.org/mine")
        assert (after.tags, after.summary, after.status) == (before.tags, before.summary, before.status)
    finally:
        release.touch()
        out, err = importer.communicate(timeout=120)
    assert importer.returncode == 0 and "imported" in out, err
    assert cli("tag", "https://example.org/mine", "t").exit_code == 0
    with Store(db_path) as lib:
        assert lib.get("https://example.org/mine").tags == ["t"]
        assert lib.paper_count() == 2501
        assert check(lib).ok


OPENER = textwrap.dedent(
    r'''
    import os, sys, time
    import readr.store
    go = sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.0005)
    lib = readr.store.Store(sys.argv[1])
    lib.add_web("https://example.org/opener/" + sys.argv[3], "opened")
    lib.close()
    '''
)


@pytest.mark.parametrize("kind", ["new", "old"])
def test_several_processes_opening_a_new_or_an_old_library_at_once(tmp_path, kind):
    import shutil

    from readr.store import head_version

    db = tmp_path / "library.db"
    if kind == "old":
        shutil.copyfile(Path(__file__).parent / "fixtures" / "schemas" / "library-v1.db", db)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", OPENER, str(db), str(go), str(i)], stderr=subprocess.PIPE, text=True,
                         env=_env())
        for i in range(5)
    ]
    time.sleep(0.8)
    go.touch()
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 5, [e[-500:] for e in errors]
    with Store(db) as lib:
        assert lib.schema_version() == head_version()
        assert len(lib.search("opened", limit=20)) == 5
        assert check(lib).ok
    backups = list(tmp_path.glob("library.db.v*.bak"))
    assert len(backups) == (1 if kind == "old" else 0)  # one backup of the old file, taken before any change
    if backups:
        old = sqlite3.connect(backups[0])
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        old.close()
    assert not list(tmp_path.glob("*.partial*"))


def test_real_cli_commands_in_parallel_while_a_reader_stays_open(tmp_path, monkeypatch):
    """The TUI's situation: a long-lived Store open (reading, writing, polling for changes) while
    several `readr` commands (add, tag, note, read, import, export, backup) run at the same time."""
    db = tmp_path / "library.db"
    page = tmp_path / "week.md"
    page.write_text(
        "### 2024-5-5:\n\n[**Imported**](https://arxiv.org/abs/2101.00009) Page **point**\n", encoding="utf-8"
    )
    tui = Store(db)
    for i in range(4):
        tui.add_web(f"https://example.org/{i}", f"paper {i}")
    tui.changed_since_last_check()
    commands = []
    for i in range(4):
        url = f"https://example.org/{i}"
        commands += [
            ("tag", url, f"cli{i}"), ("note", url, f"from the CLI **{i}**"), ("read", url, "--on", "2024-05-01")
        ]
    commands += [("add", "--web", "https://example.org/new", "--title", "new one"), ("import", str(page)),
                 ("export", "2024-05-01"), ("backup", str(tmp_path / "b.db")), ("check",)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "readr", "--db", str(db), *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=_env())
        for args in commands
    ]
    noticed = False
    own = 0
    while any(p.poll() is None for p in procs):
        noticed |= tui.changed_since_last_check()
        tui.set_meta("tui-heartbeat", str(own))  # the TUI writes too (autosave, status keys)
        own += 1
        tui.list_papers()
        time.sleep(0.02)
    results = [(args, p.returncode, p.communicate()) for args, p in zip(commands, procs)]
    for args, code, (_out, err) in results:
        assert code == 0, (args, err)
        assert "locked" not in err.lower()
    noticed |= tui.changed_since_last_check()
    assert noticed
    for i in range(4):
        paper = tui.get(f"https://example.org/{i}")
        assert f"cli{i}" in paper.tags and paper.takeaways == [str(i)] and paper.status == "read"
    assert tui.get("https://example.org/new").title == "new one"
    assert tui.get("2101.00009").takeaways == ["point"]
    assert tui.get_meta("tui-heartbeat") == str(own - 1)
    assert check(tui).ok
    tui.close()
    assert verify_copy(tmp_path / "b.db") is None


def test_a_summary_edited_elsewhere_meanwhile_is_not_overwritten_silently(tmp_path, cli, db_path):
    """The editor's save says which summary it started from; a CLI `readr note` in between wins
    until the reader merges, instead of being lost."""
    from readr.errors import SummaryConflict

    assert cli("add", "--web", "https://example.org/a", "--title", "a").exit_code == 0
    editor = Store(db_path)
    started_from = editor.set_summary("https://example.org/a", "original").summary
    assert cli("note", "https://example.org/a", "written by the CLI **meanwhile**").exit_code == 0
    with pytest.raises(SummaryConflict) as conflict:
        editor.set_summary("https://example.org/a", "original, edited in the TUI", expected=started_from)
    assert conflict.value.current == "written by the CLI **meanwhile**"
    assert editor.get("https://example.org/a").takeaways == ["meanwhile"]
    # Unchanged meanwhile: the save goes through.
    merged = editor.set_summary("https://example.org/a", "merged **both**", expected=conflict.value.current)
    assert merged.summary == "merged **both**" and merged.takeaways == ["both"]
    editor.close()
