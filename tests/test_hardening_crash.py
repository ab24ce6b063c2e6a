"""SIGKILL in the middle of a save, a bulk import and a migration: the library stays consistent
(integrity check and FTS integrity check pass, derived data in sync) and no row is half-written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from readr.maintenance import check
from readr.store import Store, head_version

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _start(code: str, *args: str) -> subprocess.Popen:
    # Its own process group, so that _kill() can also reap any helper processes it started.
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=True,
    )


def _group(leader: int) -> list[int]:
    """Processes still alive in the process group `leader` started (Linux /proc)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == leader and int(entry.name) != leader:
                    stat = (entry / "stat").read_text()
                    if stat.rsplit(")", 1)[1].split()[0] != "Z":
                        alive.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return alive


def _reap_group(leader: int) -> list[int]:
    """SIGKILL whatever is left of the group; returns what was left."""
    left = _group(leader)
    if left:
        try:
            os.killpg(leader, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"worker ended early: {proc.stderr.read().decode()[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("worker never reached the point to kill it at")
        time.sleep(0.005)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _reap_group(proc.pid)


def _raw_checks(db: Path) -> None:
    """Before readr opens it again: SQLite's own view of the file after the crash."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


# --- a save ----------------------------------------------------------------------------------

SAVER = r'''
import sys
from readr.store import Store

db, ready = sys.argv[1], sys.argv[2]
lib = Store(db)
keys = [p.key for p in lib.list_papers()]
open(ready, "w").close()
n = 0
while True:
    for key in keys:
        n += 1
        body = ("lorem ipsum %d " % n) * 8000          # ~120 kB: a save takes a while
        lib.set_summary(key, f"SAVE {n} START **takeaway {n}** {body} **second {n}** SAVE {n} END")
        lib.add_tags([key], [f"t{n}"])
'''


def _assert_saves_whole(lib: Store) -> int:
    saves = 0
    for paper in lib.list_papers():
        if not paper.summary:
            continue
        head = paper.summary.split(" ", 2)
        n = int(head[1])
        body = ("lorem ipsum %d " % n) * 8000
        assert paper.summary == f"SAVE {n} START **takeaway {n}** {body} **second {n}** SAVE {n} END".strip()
        assert paper.takeaways == [f"takeaway {n}", f"second {n}"]
        saves += 1
    return saves


def test_sigkill_during_saves_leaves_every_summary_whole(tmp_path):
    db = tmp_path / "library.db"
    with Store(db) as lib:
        for i in range(8):
            lib.add_web(f"https://example.org/{i}", f"paper {i}")
    for round_ in range(4):
        ready = tmp_path / f"ready-{round_}"
        proc = _start(SAVER, db, ready)
        _wait_for(ready, proc)
        time.sleep(0.25 + 0.2 * round_)
        _kill(proc)
        _raw_checks(db)
        with Store(db) as lib:
            assert _assert_saves_whole(lib) > 0
            report = check(lib)
            assert report.ok, report.lines()
            for paper in lib.list_papers():
                assert lib.conn.execute("SELECT tags_text FROM papers WHERE id = ?", (paper.id,)).fetchone()[0] == \
                    " ".join(sorted(paper.tags, key=str.lower))
            # The search index has the saved text, not a half of it.
            some = next(p for p in lib.list_papers() if p.summary)
            n = some.summary.split(" ", 2)[1]
            assert some.key in [h.paper.key for h in lib.search(f'"takeaway {n}"', limit=100)]


DRAFTER = r'''
import sys
from pathlib import Path
from readr.drafts import Drafts

drafts = Drafts(Path(sys.argv[1]))
ready = sys.argv[2]
n = 0
while True:
    n += 1
    drafts.save("hep-th/9901001", f"DRAFT {n}\n" + ("typing %d " % n) * 50000 + f"\nEND {n}")
    if n == 3:
        open(ready, "w").close()
'''


def test_sigkill_while_autosaving_a_draft_keeps_a_whole_draft(tmp_path):
    pytest.importorskip("readr.drafts")
    from readr.drafts import Drafts

    folder = tmp_path / "drafts"
    for round_ in range(3):
        ready = tmp_path / f"ready-{round_}"
        proc = _start(DRAFTER, folder, ready)
        _wait_for(ready, proc)
        time.sleep(0.05 + 0.07 * round_)
        _kill(proc)
        drafts = Drafts(folder)
        assert drafts.keys() == ["hep-th/9901001"]
        text = drafts.load("hep-th/9901001")
        n = int(text.split("\n", 1)[0].split()[1])
        assert text == f"DRAFT {n}\n" + ("typing %d " % n) * 50000 + f"\nEND {n}"
        assert all(p.parent == folder for p in folder.rglob("*"))  # the "/" in the key made no folder


# --- a bulk import ---------------------------------------------------------------------------

def _kaggle_file(path: Path, count: int, start: int = 1) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for i in range(start, start + count):
            out.write(json.dumps({
                "id": f"2301.{i:05d}", "submitter": "x", "authors": f"Author {i}, Other Person",
                "title": f"Bulk paper number {i}", "comments": None, "journal-ref": None, "doi": None,
                "categories": "cs.LG stat.ML", "abstract": f"Abstract of bulk paper {i}. " + "word " * 150,
                "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 10:00:00 GMT"}],
                "update_date": "2023-01-02", "authors_parsed": [[f"Author {i}", "", ""]],
            }) + "\n")
    return path


IMPORTER = r'''
import sys, time
from pathlib import Path
from readr.store import Store
from readr.catalogue import import_file

from readr.store.bulk import CatalogueLoader

db, source, ready, mode = sys.argv[1:5]
lib = Store(db)
real_add = CatalogueLoader.add
batches = []

def add(self, rows):
    real_add(self, rows)
    batches.append(len(rows))
    if sum(batches) >= 6000:
        open(ready, "w").close()
        time.sleep(60)               # killed here, inside the import's one transaction

CatalogueLoader.add = add
import_file(lib, Path(source), fts_mode=mode)
'''


def _assert_library_as_before(db: Path, before: int) -> None:
    _raw_checks(db)
    with Store(db) as lib:
        assert lib.paper_count() == before
        assert lib.missing_fts_triggers() == []
        report = check(lib)
        assert report.ok, report.lines()
        assert lib.find("2202.06709").summary  # the reader's own paper and notes are untouched


@pytest.mark.parametrize("mode", ["rebuild", "triggers"])
def test_sigkill_inside_a_bulk_import_leaves_the_library_as_it_was(tmp_path, mode):
    pytest.importorskip("readr.catalogue")
    db = tmp_path / "library.db"
    shutil.copyfile(SCHEMAS / f"library-v{head_version()}.db", db)
    with Store(db) as lib:
        before = lib.paper_count()
    source = _kaggle_file(tmp_path / "catalogue.jsonl", 10_000)
    ready = tmp_path / "ready"
    proc = _start(IMPORTER, db, source, ready, mode)
    _wait_for(ready, proc)
    _kill(proc)
    _assert_library_as_before(db, before)
    # The same import, run to the end, brings everything in.
    from readr.catalogue import import_file

    with Store(db) as lib:
        import_file(lib, source, fts_mode=mode)
        assert lib.paper_count() == before + 10_000
        assert [h.paper.key for h in lib.search('"bulk paper number 4321"')][:1] == ["2301.04321"]
        assert check(lib).ok


def test_sigkill_of_the_readr_import_command_at_random_moments(tmp_path):
    pytest.importorskip("readr.catalogue")
    db = tmp_path / "library.db"
    shutil.copyfile(SCHEMAS / f"library-v{head_version()}.db", db)
    with Store(db) as lib:
        before = lib.paper_count()
    source = _kaggle_file(tmp_path / "catalogue.jsonl", 20_000)
    outcomes = set()
    killed_running = 0
    orphans = 0
    for delay in (0.4, 0.8, 1.2, 1.6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "readr", "--db", str(db), "import", "--no-progress", str(source)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), start_new_session=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        killed_running += proc.returncode == -signal.SIGKILL
        time.sleep(0.3)
        orphans += len(_reap_group(proc.pid))
        _raw_checks(db)
        with Store(db) as lib:
            count = lib.paper_count()
            assert count in (before, before + 20_000)  # all of the file or none of it
            outcomes.add(count)
            assert lib.missing_fts_triggers() == []
            assert check(lib).ok
            if count != before:
                break
    assert killed_running >= 1 and before in outcomes, (killed_running, outcomes)
    # The catalogue's parser worker processes die with the killed command (fixed in a1f4d1b).
    assert orphans == 0, f"{orphans} helper processes outlived the killed `readr import`"


# --- a migration -----------------------------------------------------------------------------

MIGRATOR = r'''
import sys, time
import readr.store.connection as connection

ready, stop_at = sys.argv[2], int(sys.argv[3])
real = connection.split_statements
calls = []

def slow(sql):
    statements = real(sql)
    calls.append(1)
    if len(calls) != stop_at:
        return statements
    def run():
        for number, statement in enumerate(statements):
            yield statement
            if number == 0:
                open(ready, "w").close()
                time.sleep(60)       # killed here, inside the migration's transaction
    return run()

connection.split_statements = slow
from readr.store import Store
Store(sys.argv[1])
'''


@pytest.mark.parametrize("stop_at", [1, 2])
def test_sigkill_inside_a_migration_then_the_next_start_redoes_it(tmp_path, stop_at):
    if head_version() < 2:
        pytest.skip("only one schema version")
    db = tmp_path / "library.db"
    shutil.copyfile(SCHEMAS / "library-v1.db", db)
    pending = head_version() - 1
    if stop_at > pending:
        pytest.skip("not that many pending migrations")
    ready = tmp_path / "ready"
    proc = _start(MIGRATOR, db, ready, stop_at)
    _wait_for(ready, proc)
    _kill(proc)
    _raw_checks(db)
    conn = sqlite3.connect(db)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    recorded = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert version == 1  # the upgrade is one transaction: nothing of it is left, not even earlier steps
    assert recorded == [1]
    assert "digest_entries" not in tables
    # A backup of the old library was made first.
    backups = list(tmp_path.glob("library.db.v1-*.bak"))
    assert len(backups) == 1
    with Store(backups[0]) as old:  # a backup is a working library (it migrates its own copy)
        assert old.get("2202.06709").takeaways
    for leftover in tmp_path.glob("library.db.v*.bak"):
        if leftover != backups[0]:
            leftover.unlink()

    with Store(db) as lib:
        assert lib.schema_version() == head_version()
        assert {p.key for p in lib.list_papers(include_catalogue=True)} == {
            "2202.06709", "hep-th/9901001", "0704.0001", "2401.00001", "2401.00002", "2401.00003",
            "2001.00004", "web-5f1d2c3b4a",
        }
        assert lib.get("2202.06709").takeaways == [
            "MSAs are low-pass filters; convs are high-pass.",
            "multi-stage nets behave like ensembles of small models",
        ]
        assert check(lib).ok


TUI_TYPIST = r'''
import asyncio, sys, time
from pathlib import Path
from readr.config import Config
from readr.drafts import Drafts
from readr.tui import make_app
from readr.tui.editor import SummaryEditor

db, ready = Path(sys.argv[1]), sys.argv[2]
TYPED = "typed **before** kill"

async def main():
    app = make_app(db, config=Config(autosave_seconds=0.2))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.press("e")
        while not (isinstance(app.screen, SummaryEditor) and app.screen.query("#editor-text")):
            await pilot.pause(0.05)
        await pilot.press(*TYPED)
        drafts = Drafts(app.store.data_dir / "drafts")
        while not any((drafts.load(key) or "").endswith(TYPED) for key in drafts.keys()):
            await pilot.pause(0.05)      # until the autosave has written the draft
        open(ready, "w").close()
        await pilot.pause(60)            # SIGKILLed here, the summary never saved

asyncio.run(main())
'''


def test_sigkill_of_the_tui_while_editing_keeps_the_autosaved_draft(tmp_path):
    pytest.importorskip("textual")
    pytest.importorskip("readr.tui")
    from readr.drafts import Drafts

    db = tmp_path / "library.db"
    with Store(db) as lib:
        key = lib.add_web("https://example.org/p", "a paper")[0].key
        lib.set_summary(key, "old summary")
    ready = tmp_path / "ready"
    proc = _start(TUI_TYPIST, db, ready)
    _wait_for(ready, proc, timeout=120)
    _kill(proc)
    _raw_checks(db)
    with Store(db) as lib:
        assert lib.get(key).summary == "old summary"  # never saved...
        drafts = Drafts(lib.data_dir / "drafts")
    assert drafts.keys() == [key]
    assert drafts.load(key).endswith("typed **before** kill")  # ...but the draft survived
