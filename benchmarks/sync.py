"""`readr sync` against bare git repositories on disk, each figure beside git's own time.

    python benchmarks/sync.py                 # 10,000 notes, then 20 readers x 5,000 (about 10 min on 2 cores)
    python benchmarks/sync.py --quick         # a tiny size, for the harness test (seconds)
    python benchmarks/sync.py --out sync.md   # also write the table (and JSON beside it)

The notes are synthetic but shaped like real ones (readr.sync.notes.render of a Note): titles and
authors of benchmarks/synth.py papers, statuses, tags, dates, and summaries of 40-120 words with
one or two **bold** takeaways. Readers pick their papers from a shared pool, so they overlap as a
real group's reading does. Every remote is a local bare repository (file:// URL): the figures are
readr's own work and git's local costs, not a network.

Rows, each `readr sync` a subprocess (the CLI as a reader runs it, interpreter start-up included),
median of --rounds rounds, interleaved with its baseline:

* 10,000 notes (one reader, in the repository and the library):
  - first sync on a new machine (the 10,000 notes become the library's reading list) against
    `git clone` of the same repository; first sync of a teammate (10,000 teammate notes);
  - 10 of the reader's notes edited here, sent: `readr sync` against `git fetch` + `git push` of
    a commit of the same 10 files (the commit made beforehand, untimed);
  - 10 notes changed on the reader's other machine, received: against `git pull --ff-only`.
* 20 readers x 5,000 notes (100,000 files), the library of one of them:
  - first sync (the reader's 5,000 notes and 95,000 teammate notes) against `git clone`;
  - 10 teammates' notes changed, received; 10 of the reader's own edited, sent (baselines as above);
  - the library's size, and the TUI's first frame (benchmarks/tui_pty.py), beside the same
    reader's library synced with a repository holding only their own 5,000 notes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from benchmarks.run import child_env, machine, ms  # noqa: E402
from readr.record import replace  # noqa: E402
from readr.store.team import Note  # noqa: E402
from readr.sync.notes import READERS_DIR, file_name, parse, render  # noqa: E402

STATUSES = ("read", "read", "read", "read", "reading", "to-read", "to-read", "inbox", "dismissed")
CHANGED = 10


@dataclass
class Size:
    label: str
    single_notes: int  # the one-reader repository
    readers: int  # the big team
    notes_each: int
    pool: int  # papers the team's reading is drawn from
    rounds: int


FULL = Size("full", 10_000, 20, 5_000, 30_000, 3)
QUICK = Size("quick", 40, 3, 20, 50, 1)


def _log(message: str) -> None:
    print(f"[bench-sync] {message}", file=sys.stderr, flush=True)


def git_env() -> dict:
    env = dict(os.environ)
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "Bench Reader"
        env[f"GIT_{role}_EMAIL"] = "bench@example.org"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def git(*args: str, cwd: Path) -> str:
    # No background `gc --auto` in the benchmark's own clones: it would race the next step.
    return subprocess.run(["git", "-c", "gc.auto=0", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=git_env()).stdout


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- synthetic notes ---------------------------------------------------------------------------


def _summary(rng: random.Random) -> str:
    words = synth.HEAD_WORDS
    body = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120)))
    takeaways = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 9))).capitalize()
                 for _ in range(rng.choice((1, 1, 2)))]
    cut = len(body) // 2
    return (f"{body[:cut].capitalize()}. **{takeaways[0]}.** {body[cut:]}."
            + (f"\n\n- **{takeaways[1]}.**" if len(takeaways) > 1 else ""))


_VOCABULARIES: dict[str, synth.Vocabulary] = {}


def vocabulary(size: Size) -> synth.Vocabulary:
    """synth's Zipf vocabulary (4M pre-drawn words: seconds to make, so made once); the quick
    size makes do with its head words."""
    if size.label not in _VOCABULARIES:
        if size is QUICK or size.label == QUICK.label:
            rng = random.Random(synth.SEED)
            words = list(dict.fromkeys(synth.HEAD_WORDS))
            _VOCABULARIES[size.label] = synth.Vocabulary(words, [rng.choice(words) for _ in range(5_000)])
        else:
            _VOCABULARIES[size.label] = synth.vocabulary()
    return _VOCABULARIES[size.label]


def team_notes(size: Size, readers: int, notes_each: int, seed: int = 7) -> dict[str, list[Note]]:
    """Notes by reader name (r00, r01, ...), each reader's papers drawn from one shared pool."""
    pool = list(synth.papers(max(size.pool, notes_each), vocab=vocabulary(size)))
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, 9, 0)
    out: dict[str, list[Note]] = {}
    for r in range(readers):
        chosen = sorted(rng.sample(range(len(pool)), notes_each))
        notes = []
        for k, index in enumerate(chosen):
            record = pool[index]
            status = rng.choice(STATUSES)
            added = start + timedelta(minutes=7 * k + r)
            read = added + timedelta(days=rng.randint(0, 30)) if status == "read" else None
            summary = _summary(rng) if status in ("read", "reading") or rng.random() < 0.1 else ""
            notes.append(Note(
                arxiv_id=record["id"], version=len(record["versions"]), title=record["title"],
                authors=tuple(f"{first} {last}" for last, first, _ in record["authors_parsed"]),
                status=status, tags=tuple(sorted(rng.sample(synth.TAGS, rng.choice((0, 1, 1, 2))))),
                added_at=added.isoformat(timespec="seconds"),
                read_at=read.isoformat(timespec="seconds") if read else None,
                summary_updated_at=(read or added).isoformat(timespec="seconds") if summary else None,
                summary=summary,
            ))
        out[f"r{r:02d}"] = notes
    return out


def make_remote(where: Path, notes: dict[str, list[Note]]) -> Path:
    """A bare repository holding `notes` in one commit (written with git fast-import: 100,000
    files in seconds, where a working tree and `git add` take minutes)."""
    bare = where / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    stream = bytearray(b"commit refs/heads/main\ncommitter Bench Reader <bench@example.org> 1735689600 +0000\n"
                       b"data 15\nsynthetic notes\n")
    for reader, items in notes.items():
        for note in items:
            data = render(note).encode("utf-8")
            path = f"{READERS_DIR}/{reader}/{file_name(note.arxiv_id)}"
            stream += f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
    subprocess.run(["git", "-c", "gc.auto=0", "fast-import", "--quiet"], input=bytes(stream), cwd=bare, check=True)
    return bare


def copy_remote(bare: Path, target: Path) -> Path:
    shutil.copytree(bare, target)
    return target


def edit_files(clone: Path, paths: list[str], stamp: str) -> None:
    """Change the summaries of these notes in a plain clone, as another machine or a teammate would."""
    for rel in paths:
        path = clone / rel
        arxiv_id = path.name[:-3].replace("_", "/", 1)
        note = parse(path.read_bytes(), arxiv_id)
        note = replace(note, summary=f"{note.summary}\n\nEdited {stamp}.", summary_updated_at=stamp)
        path.write_text(render(note), encoding="utf-8")


def push_edits(clone: Path, paths: list[str], stamp: str) -> None:
    git("pull", "-q", "--ff-only", cwd=clone)
    edit_files(clone, paths, stamp)
    git("commit", "-q", "-a", "-m", f"{len(paths)} notes edited", cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)


# --- readr ---------------------------------------------------------------------------------------


def readr_sync(db: Path, workdir: Path, *args: str) -> tuple[float, str]:
    env = child_env(db, workdir) | {k: v for k, v in git_env().items() if k.startswith("GIT_")}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "readr", "sync", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"[bench-sync] readr sync failed: {result.stderr.strip()[-800:]}")
    return wall, result.stdout.strip()


def edit_library(db: Path, keys: list[str], stamp: str) -> None:
    from readr.store import Store

    with Store(db) as lib:
        for key in keys:
            lib.set_summary(key, f"{lib.get(key).summary}\n\nEdited here {stamp}.")


def library_bytes(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db.stat().st_size


def git_clone_time(bare: Path, target: Path) -> float:
    return timed(lambda: git("clone", "-q", bare.as_uri(), str(target), cwd=target.parent))


# --- scenarios ---------------------------------------------------------------------------------


@dataclass
class Row:
    metric: str
    readr: float | str
    baseline: float | str = ""
    note: str = ""


def incremental_rounds(rows: list[Row], where: Path, readr_remote: Path, git_remote: Path, db: Path, reader: str,
                       own_files: list[str], others_files: list[str], label: str, rounds: int) -> None:
    """Send 10 own notes and receive 10 (others' or the reader's other machine's), `rounds` times
    each, readr and git interleaved on twin repositories."""
    plain = where / "plain"  # git by hand: the baseline's clone
    git("clone", "-q", git_remote.as_uri(), str(plain), cwd=where)
    other_readr = where / "other-readr"  # whoever pushes the changes readr's reader receives
    git("clone", "-q", readr_remote.as_uri(), str(other_readr), cwd=where)
    other_git = where / "other-git"
    git("clone", "-q", git_remote.as_uri(), str(other_git), cwd=where)
    rng = random.Random(11)
    send, send_base, receive, receive_base, lines = [], [], [], [], []
    for n in range(rounds):
        stamp = f"2025-06-0{n + 1}T10:00:00"
        mine = rng.sample(own_files, CHANGED)
        edit_library(db, [Path(p).name[:-3].replace("_", "/", 1) for p in mine], stamp)
        wall, line = readr_sync(db, where)
        send.append(wall)
        lines.append(line)
        edit_files(plain, mine, stamp)
        git("commit", "-q", "-a", "-m", "10 notes", cwd=plain)
        send_base.append(timed(lambda: (git("fetch", "-q", "origin", cwd=plain),
                                        git("push", "-q", "origin", "HEAD:main", cwd=plain))))

        theirs = rng.sample(others_files, CHANGED)
        push_edits(other_readr, theirs, stamp)
        push_edits(other_git, theirs, stamp)
        wall, line = readr_sync(db, where)
        receive.append(wall)
        lines.append(line)
        receive_base.append(timed(lambda: git("pull", "-q", "--ff-only", "origin", "main", cwd=plain)))
        _log(f"{label} round {n + 1}: sent in {send[-1]:.2f} s, received in {wall:.2f} s")
    rows.append(Row(f"{label}: {CHANGED} own notes edited here, sent", statistics.median(send),
                    statistics.median(send_base), "baseline: git fetch + git push of the same 10 files"))
    rows.append(Row(f"{label}: {CHANGED} notes changed elsewhere, received", statistics.median(receive),
                    statistics.median(receive_base), "baseline: git pull --ff-only"))
    for line in lines[-2:]:
        _log(line)


def single_reader(size: Size, workdir: Path) -> list[Row]:
    where = workdir / "single"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    notes = team_notes(size, 1, size.single_notes)
    notes = {"alice": notes["r00"]}
    n = size.single_notes
    bare = make_remote(where, notes)
    git_remote = copy_remote(bare, where / "git-remote.git")
    rows: list[Row] = []

    db = where / "alice" / "library.db"
    db.parent.mkdir()
    first, line = readr_sync(db, where, bare.as_uri(), "--as", "alice")
    _log(f"first sync, alice on a new machine: {first:.1f} s; {line}")
    clone = git_clone_time(git_remote, where / "clone-a")
    rows.append(Row(f"{n:,} notes: first sync on a new machine (your {n:,} notes)", first, clone,
                    "baseline: git clone"))

    teammate = where / "bob" / "library.db"
    teammate.parent.mkdir()
    first, line = readr_sync(teammate, where, bare.as_uri(), "--as", "bob")
    _log(f"first sync, teammate bob: {first:.1f} s; {line}")
    clone = git_clone_time(git_remote, where / "clone-b")
    rows.append(Row(f"{n:,} notes: first sync of a teammate ({n:,} teammate notes)", first, clone,
                    "baseline: git clone"))

    files = [f"{READERS_DIR}/alice/{file_name(note.arxiv_id)}" for note in notes["alice"]]
    # Alice's other machine is the one pushing changes to her own notes here.
    incremental_rounds(rows, where, bare, git_remote, db, "alice", files, files, f"{n:,} notes", size.rounds)
    return rows


def big_team(size: Size, workdir: Path, tui_runs: int) -> list[Row]:
    where = workdir / "team"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    notes = team_notes(size, size.readers, size.notes_each)
    total = sum(len(v) for v in notes.values())
    label = f"{size.readers} readers x {size.notes_each:,}"
    start = time.perf_counter()
    bare = make_remote(where, notes)
    _log(f"{label}: repository of {total:,} files built in {time.perf_counter() - start:.0f} s")
    git_remote = copy_remote(bare, where / "git-remote.git")
    alone_dir = where / "alone"
    alone_dir.mkdir()
    alone_remote = make_remote(alone_dir, {"r00": notes["r00"]})
    rows: list[Row] = []

    db = where / "r00" / "library.db"
    db.parent.mkdir()
    first, line = readr_sync(db, where, bare.as_uri(), "--as", "r00")
    _log(f"{label}: first sync {first:.1f} s; {line}")
    clone = git_clone_time(git_remote, where / "clone")
    rows.append(Row(f"{label}: first sync ({total:,} files)", first, clone, "baseline: git clone"))

    own = [f"{READERS_DIR}/r00/{file_name(note.arxiv_id)}" for note in notes["r00"]]
    others = [f"{READERS_DIR}/{reader}/{file_name(note.arxiv_id)}"
              for reader, items in notes.items() if reader != "r00" for note in items]
    incremental_rounds(rows, where, bare, git_remote, db, "r00", own, others, label, size.rounds)

    alone_db = alone_dir / "r00" / "library.db"
    alone_db.parent.mkdir()
    readr_sync(alone_db, alone_dir, alone_remote.as_uri(), "--as", "r00")
    with_team, alone = library_bytes(db), library_bytes(alone_db)
    markdown = sum(len(render(note).encode()) for reader, items in notes.items() if reader != "r00" for note in items)
    rows.append(Row(f"{label}: library size (your {size.notes_each:,} notes + {total - size.notes_each:,} "
                    "teammate notes)", f"{with_team / 1e6:.1f} MB", f"{alone / 1e6:.1f} MB",
                    f"baseline: your notes alone; teammates' Markdown is {markdown / 1e6:.1f} MB"))
    rows += tui_rows(db, alone_db, where, label, tui_runs)
    return rows


def tui_rows(db: Path, alone_db: Path, where: Path, label: str, runs: int) -> list[Row]:
    from benchmarks import tui_pty

    missing = tui_pty.missing_pyte()
    if missing or runs <= 0:
        return [Row(f"{label}: TUI first frame (median)", "n/a", "", missing or "not measured (--tui-runs 0)")]
    # Interleaved, one first frame of each library at a time: the machine is shared.
    team: list[float] = []
    alone: list[float] = []
    for _ in range(runs):
        team += tui_pty.first_frames(db, child_env(db, where), runs=1).readr
        alone += tui_pty.first_frames(alone_db, child_env(alone_db, where), runs=1).readr
        _log(f"TUI first frame: {team[-1] * 1000:.0f} ms with teammates' notes, {alone[-1] * 1000:.0f} ms without")
    return [Row(f"{label}: TUI first frame (median)", statistics.median(team), statistics.median(alone),
                "baseline: your notes alone")]


# --- the table -----------------------------------------------------------------------------------


def cell(value: float | str) -> str:
    return ms(value) if isinstance(value, float) else value


def table(rows: list[Row]) -> str:
    lines = ["| metric | readr | baseline | readr - baseline | baseline is |", "|---|---:|---:|---:|---|"]
    for row in rows:
        extra = (f"{(row.readr - row.baseline) * 1000:+,.0f} ms"
                 if isinstance(row.readr, float) and isinstance(row.baseline, float) else "")
        lines.append(f"| {row.metric} | {cell(row.readr)} | {cell(row.baseline)} | {extra} | {row.note} |")
    return "\n".join(lines)


def report(rows: list[Row], size: Size) -> str:
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return table(rows) + f"\n\n{size.rounds} rounds a row (median). {git_version}. " + machine() + "\n"


def main(argv: list[str] | None = None, print_table: bool = True) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny size (the harness test)")
    parser.add_argument("--workdir", type=Path,
                        default=Path(os.environ.get("READR_BENCH_DIR", "/tmp/readr-bench")) / "sync")
    parser.add_argument("--rounds", type=int, help="incremental rounds per row (median)")
    parser.add_argument("--tui-runs", type=int, default=5, help="first frames per library (0: none)")
    parser.add_argument("--only", choices=("single", "team"), help="one of the two repositories")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here (and .json beside it)")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    if args.rounds:
        size = dataclasses.replace(size, rounds=args.rounds)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    if args.only in (None, "single"):
        rows += single_reader(size, args.workdir)
    if args.only in (None, "team"):
        rows += big_team(size, args.workdir, 0 if args.quick else args.tui_runs)
    text = report(rows, size)
    if print_table:
        print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps([row.__dict__ for row in rows], indent=1),
                                                 encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
