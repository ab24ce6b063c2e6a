"""`readr sync` killed with SIGKILL at every point of a round, as a real process.

The round is the real `readr sync` subprocess. A `git` on PATH stands in front of the real one,
counts readr's git calls and, at the k-th, SIGKILLs readr either before running git (git never
runs), after it (git's work is done, readr never learns of it), or first and then runs git, an
orphan that outlives readr (`kill -9` of readr alone): the next sync, started at once, must not
run beside it (it refuses with its one line until that git is done). A reference-transaction hook
(core.hooksPath, given through git's environment) kills readr's whole process group, git
included, while git holds its locks in the middle of updating a ref of readr's clone (fetch,
checkout, commit). After each kill the library passes `readr check`, the next sync completes,
and every machine and teammate ends with every change: the killed machine's own edits are
pushed, and its teammate's and its other machine's arrive.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readr.errors import ReadrError
from readr.maintenance import check
from readr.store import Store
from readr.sync import sync
from readr.sync.round import repository_dir

ROOT = Path(__file__).resolve().parents[1]
PAPER = {"arxiv_id": "2202.06709", "version": 2, "title": "How Do Vision Transformers Work?",
         "authors": ["Namuk Park", "Songkuk Kim"]}
BOBS = {"arxiv_id": "hep-th/9901001", "version": 1, "title": "An old-style paper", "authors": ["A. Person"]}
DESKTOP_NEW = {"arxiv_id": "2401.00003", "version": 1, "title": "Added on the desktop", "authors": ["D. Top"]}
LAPTOP_NEW = {"arxiv_id": "2401.00004", "version": 1, "title": "Added on the laptop", "authors": ["L. Top"]}

GIT_WRAPPER = """#!/bin/sh
if [ -n "$KILLTEST_INSIDE" ]; then exec "$KILLTEST_GIT" "$@"; fi
export KILLTEST_INSIDE=1
n=$(( $(cat "$KILLTEST_CALLS") + 1 ))
echo "$n" > "$KILLTEST_CALLS"
if [ "$KILLTEST_MODE" = before ] && [ "$n" = "$KILLTEST_AT" ]; then kill -KILL "$PPID"; exit 1; fi
if [ "$KILLTEST_MODE" = during ] && [ "$n" = "$KILLTEST_AT" ]; then
    # readr dies first; its git goes on, an orphan, as after `kill -9 PID` of readr alone.
    kill -KILL "$PPID"
    "$KILLTEST_GIT" "$@" >/dev/null 2>&1
    echo done > "$KILLTEST_ORPHAN_DONE"
    exit 0
fi
"$KILLTEST_GIT" "$@"
code=$?
if [ "$KILLTEST_MODE" = after ] && [ "$n" = "$KILLTEST_AT" ]; then kill -KILL "$PPID"; fi
exit $code
"""

REFERENCE_TRANSACTION_HOOK = """#!/bin/sh
[ "$1" = prepared ] || exit 0
# Only readr's own clone: the bare remote's refs are the server's business.
[ "$(git rev-parse --is-bare-repository)" = true ] && exit 0
n=$(( $(cat "$KILLTEST_REFS") + 1 ))
echo "$n" > "$KILLTEST_REFS"
if [ "$KILLTEST_MODE" = inside ] && [ "$n" = "$KILLTEST_AT" ]; then kill -KILL 0; fi
exit 0
"""


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Reader")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "reader@example.org")


def add_read(lib: Store, record: dict, summary: str) -> None:
    lib.upsert_arxiv(record, status="reading")
    lib.set_summary(record["arxiv_id"], f"{summary} **A takeaway.**")
    lib.add_tags([record["arxiv_id"]], ["Zeta", "alpha", "Élan"])
    lib.set_status([record["arxiv_id"]], "read")


@pytest.fixture(scope="module")
def killers(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("killers")
    real_git = shutil.which("git")
    assert real_git
    (folder / "bin").mkdir()
    (folder / "hooks").mkdir()
    for path, text in ((folder / "bin" / "git", GIT_WRAPPER),
                       (folder / "hooks" / "reference-transaction", REFERENCE_TRANSACTION_HOOK)):
        path.write_text(text)
        path.chmod(0o755)
    (folder / "real-git").write_text(real_git)
    return folder


@pytest.fixture(scope="module")
def before_the_round(tmp_path_factory) -> tuple[Path, Path]:
    """(where the round runs, a snapshot to restore it from). Three libraries and a remote, each
    with a change the killed round has to carry: the desktop (alice) edited a summary and added
    a paper; the laptop (alice) added a paper and synced; bob edited his note and synced. The
    desktop's round is the one killed. The libraries remember the remote by its path, so each
    kill restores the snapshot to the same place."""
    monkeypatch = pytest.MonkeyPatch()
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Reader")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "reader@example.org")
    folder = tmp_path_factory.mktemp("before-the-round")
    root = folder / "work"
    remote = root / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    libs = {}
    for name in ("laptop", "desktop", "bob"):
        (root / name).mkdir()
        libs[name] = Store(root / name / "library.db")
    add_read(libs["laptop"], PAPER, "Before.")
    sync(libs["laptop"], remote.as_uri(), "alice")
    sync(libs["desktop"], remote.as_uri(), "alice")
    add_read(libs["bob"], BOBS, "Bob's first words.")
    sync(libs["bob"], remote.as_uri(), "bob")
    sync(libs["desktop"])

    libs["desktop"].set_summary(PAPER["arxiv_id"], "Edited on the desktop.")
    add_read(libs["desktop"], DESKTOP_NEW, "New on the desktop.")
    add_read(libs["laptop"], LAPTOP_NEW, "New on the laptop.")
    sync(libs["laptop"])
    libs["bob"].set_summary(BOBS["arxiv_id"], "Bob's second thoughts.")
    sync(libs["bob"])
    for lib in libs.values():
        lib.close()
    monkeypatch.undo()
    snapshot = folder / "snapshot"
    shutil.copytree(root, snapshot, symlinks=True)
    return root, snapshot


def _restore(state: tuple[Path, Path]) -> Path:
    root, snapshot = state
    shutil.rmtree(root)
    shutil.copytree(snapshot, root, symlinks=True)
    return root


def _run_killed(db: Path, killers: Path, mode: str, at: int, counters: Path) -> subprocess.CompletedProcess:
    counters.mkdir(exist_ok=True)
    calls, refs, orphan = counters / "calls", counters / "refs", counters / "orphan-done"
    calls.write_text("0")
    refs.write_text("0")
    orphan.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update({
        "PATH": f"{killers / 'bin'}{os.pathsep}{env['PATH']}",
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        "KILLTEST_GIT": (killers / "real-git").read_text(), "KILLTEST_MODE": mode, "KILLTEST_AT": str(at),
        "KILLTEST_CALLS": str(calls), "KILLTEST_REFS": str(refs), "KILLTEST_ORPHAN_DONE": str(orphan),
        "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.hooksPath", "GIT_CONFIG_VALUE_0": str(killers / "hooks"),
    })
    # Output to files, not pipes: an orphaned git holding a pipe would keep run() waiting for it.
    with open(counters / "stdout", "w+") as out, open(counters / "stderr", "w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "readr", "--db", str(db), "sync"], env=env, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        code = proc.wait(timeout=120)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(proc.args, code, out.read(), err.read())
    result.calls = int(calls.read_text() or 0)  # type: ignore[attr-defined]
    result.refs = int(refs.read_text() or 0)  # type: ignore[attr-defined]
    result.orphan = orphan  # type: ignore[attr-defined]
    return result


def _sync_after_the_orphan(lib: Store, orphan: Path | None) -> None:
    """The next sync, started as soon as readr died: while the killed round's git still runs it
    refuses (one line), and once that git is done it completes."""
    if orphan is None:
        sync(lib)
        return
    try:
        sync(lib)
        return
    except ReadrError as exc:
        assert "another readr sync of this library is running" in str(exc)
    deadline = time.monotonic() + 60
    while not orphan.exists():
        assert time.monotonic() < deadline, "the orphaned git never finished"
        time.sleep(0.01)
    sync(lib)


def _assert_everything_arrives(where: Path, label: str, orphan: Path | None = None) -> None:
    with Store(where / "desktop" / "library.db") as desktop:
        report = check(desktop)
        assert report.ok, (label, report.lines())
        _sync_after_the_orphan(desktop, orphan)  # the next round completes, whatever the kill left behind
        clone = repository_dir(desktop)
        status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True)
        assert status.returncode == 0 and status.stdout == "", (label, status.stdout, status.stderr)
        assert not list((clone / ".git").rglob("*.lock")), label
        arrived = desktop.get(LAPTOP_NEW["arxiv_id"])
        assert (arrived.status, arrived.tags, arrived.takeaways) == ("read", ["alpha", "Zeta", "Élan"],
                                                                     ["A takeaway."]), label
        assert desktop.get(PAPER["arxiv_id"]).summary == "Edited on the desktop.", label
        assert desktop.summary_conflict(PAPER["arxiv_id"]) is None, label
        assert [n.summary for n in desktop.team_notes(BOBS["arxiv_id"])] == ["Bob's second thoughts."], label
        assert check(desktop).ok, label
    with Store(where / "laptop" / "library.db") as laptop:
        sync(laptop)
        assert laptop.get(PAPER["arxiv_id"]).summary == "Edited on the desktop.", label
        assert laptop.get(DESKTOP_NEW["arxiv_id"]).summary == "New on the desktop. **A takeaway.**", label
    with Store(where / "bob" / "library.db") as bob:
        sync(bob)
        assert {n.reader: n.summary for n in bob.team_notes(DESKTOP_NEW["arxiv_id"])} == {
            "alice": "New on the desktop. **A takeaway.**"}, label
        assert bob.get(BOBS["arxiv_id"]).summary == "Bob's second thoughts.", label


@pytest.mark.parametrize("mode", ["before", "after", "during", "inside"])
def test_sigkill_at_every_point_of_a_round_loses_nothing(mode, before_the_round, killers, tmp_path):
    # An uninterrupted round first: how many git calls and ref updates a round makes.
    reference = _restore(before_the_round)
    result = _run_killed(reference / "desktop" / "library.db", killers, "none", 0, tmp_path / "counters")
    assert result.returncode == 0, result.stderr
    points = result.calls if mode != "inside" else result.refs  # type: ignore[attr-defined]
    assert points >= (8 if mode != "inside" else 2), (result.calls, result.refs)  # type: ignore[attr-defined]
    _assert_everything_arrives(reference, "uninterrupted")

    for at in range(1, points + 1):
        label = f"killed {mode} git call {at} of {points}" if mode != "inside" else f"killed in ref update {at}"
        where = _restore(before_the_round)
        killed = _run_killed(where / "desktop" / "library.db", killers, mode, at, tmp_path / "counters")
        assert killed.returncode == -signal.SIGKILL, (label, killed.returncode, killed.stderr[-2000:])
        _assert_everything_arrives(where, label, killed.orphan if mode == "during" else None)  # type: ignore[attr-defined]
