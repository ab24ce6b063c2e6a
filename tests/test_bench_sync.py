"""The sync benchmark (benchmarks/sync.py) at its tiny --quick size: every row is measured, the
synced libraries hold what the repositories hold, and the baselines really ran git. Nothing is
timed against a threshold here: the benchmark shows speed, the test only that it measures."""

from __future__ import annotations

import subprocess

import pytest

from benchmarks import sync as bench
from readr.store import Store


@pytest.fixture
def git_identity(monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Reader")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "reader@example.org")


def test_quick_sync_benchmark_measures_every_row(tmp_path, git_identity, capsys):
    rows = bench.main(["--quick", "--workdir", str(tmp_path)])
    size = bench.QUICK
    metrics = [row.metric for row in rows]
    assert len(metrics) == 9 and len(set(metrics)) == 9
    timed = [row for row in rows if isinstance(row.readr, float)]
    assert len(timed) == 7 and all(row.readr > 0 and isinstance(row.baseline, float) and row.baseline > 0
                                   for row in timed)
    printed = capsys.readouterr().out
    assert printed.startswith("| metric | readr | baseline |") and f"{size.rounds} rounds a row" in printed

    # The one-reader libraries: alice's new machine has her notes, bob has them as a teammate's.
    with Store(tmp_path / "single" / "alice" / "library.db") as alice:
        notes = alice.own_notes()
        assert len(notes) == size.single_notes
        edited = [note for note in notes.values() if "Edited here" in note.summary]
        received = [note for note in notes.values() if "\n\nEdited 2025-06-01" in note.summary]
        assert len(edited) == len(received) == bench.CHANGED
    with Store(tmp_path / "single" / "bob" / "library.db") as bob:
        assert len(bob.team_paper_keys("alice")) == size.single_notes and bob.own_notes() == {}
    # What alice sent is on the remote, beside the baseline's twin commit on its own remote.
    for remote in ("remote.git", "git-remote.git"):
        log = subprocess.run(["git", "log", "--format=%s", "main"], cwd=tmp_path / "single" / remote,
                             capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(log) == 1 + 2 * size.rounds, (remote, log)

    # The team: one library with every teammate's notes, one with the reader's alone.
    with Store(tmp_path / "team" / "r00" / "library.db") as r00:
        assert len(r00.own_notes()) == size.notes_each
        assert len(r00.team_readers()) == size.readers - 1
        total = sum(len(r00.team_paper_keys(reader)) for reader in r00.team_readers())
        assert total == (size.readers - 1) * size.notes_each
    with Store(tmp_path / "team" / "alone" / "r00" / "library.db") as alone:
        assert alone.team_readers() == [] and len(alone.own_notes()) == size.notes_each
