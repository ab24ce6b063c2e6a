"""readr benchmarks: one table at N = 10k, 100k and 1M papers, each figure beside a bare baseline.

    python benchmarks/run.py                       # N = 10k, 100k, 1M (about 25 minutes on 2 cores)
    python benchmarks/run.py --sizes 10000         # one size
    python benchmarks/run.py --out bench.md        # also write the table (and JSON beside it)
    python benchmarks/run.py --tui-only --db PATH  # only the TUI rows, on an existing library
                                                   # (about 4 minutes at 1M; no import)
    python benchmarks/run.py --sync                # also `readr sync` (benchmarks/sync.py; ~10 min)
    python benchmarks/run.py --sizes '' --sync     # only `readr sync`

The TUI rows need pyte (a terminal emulator): pip install -e '.[bench]'. --tui-only types only
searches (the TUI writes nothing then), but readr upgrades an older library's schema when it opens
it, as it always does: measure a copy if the library must stay as it is.

Per size it generates a synthetic Kaggle-format catalogue (benchmarks/synth.py; cached in
--workdir), then measures:

* import rate: `readr import` of that file (readr.catalogue, in a child process) against raw
  sqlite3 loading the same JSON lines into the same schema, then building the FTS index
  ('rebuild') and checkpointing the WAL -- the floor for this work;
* search latency p50/p95 (warm, in process, Store.search with hydration of 50 papers) for a
  rare word, a very common word, a 3-letter prefix, two words and a tag:/year: filter,
  against raw sqlite3 fetching the same number of matching rows with the cheapest query
  (unranked FTS MATCH ... LIMIT 50; plain SQL for the filter);
* type-ahead: Store.search for each prefix of "neural network" as typed, p95;
* wall time of `readr search` and `readr export --week` as subprocesses (after a warm-up run,
  bytecode cached as in an install), against a bare `python -c` that opens the library with
  sqlite3 and prints the same rows, and `python -c pass` (the interpreter's own start-up);
* the TUI as a user sees it (benchmarks/tui_pty.py): the real `readr --db PATH` in a
  pseudo-terminal of 120x40, its output read back through a terminal emulator. First frame:
  spawn to the first screen showing the newest reading-list paper in the list's first row,
  against a bare Textual app (Header, Static, Footer) spawned the same way and timed to its
  text, interleaved, medians of 9 after a warm-up. Search as you type: in a fresh process (3
  sessions), "/" then "neural network" one key at a time; each key is timed from its write()
  to the first screen whose search bar holds the text so far, whose list starts with that
  text's result (the first 3 titles from Store.view_ids + list_rows, or the empty-list
  message) and whose status line names that search (so a key that leaves the first rows as
  they were still ends at the frame that applied its result); the screen is left to settle
  (0.3 s without output) before the next key -- a reader looking at the list between keys,
  not a burst of typing. A key whose result is on screen before it is typed (a space after a
  word that finds the same rows) cannot be timed and is listed under the table. The same keys
  are also timed to their echo in the search bar, and, as the floor, to their echo in a bare
  Textual Input. Measured in the reading list ("All") and in the Catalogue view (every paper;
  "n/a" while readr has no such view). A screen that never shows the expected state stops the
  run with that screen on stderr (10 s a step);
* peak RSS of each child process (the TUI's: after its first frame settled, quit with ctrl+q).

No figure here is asserted anywhere: the tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402

QUERIES = {
    "rare word": ("zeolitic", "zeolitic"),
    "very common word": ("model", "model"),
    "3-letter prefix": ("net", "net*"),
    "two words": ("neural network", "neural network"),
    "tag:/year: filter": ("tag:reading-group year:2015..2019", None),
}
TYPED = "neural network"


# --- helpers ---------------------------------------------------------------------------------


TIME = "/usr/bin/time"  # GNU time: its own small process forks the child, so ru_maxrss is the child's


def _timed(args: list[str], rss_file: str) -> list[str]:
    # os.wait4 on a child of this (big) process would report our RSS: Linux carries the parent's
    # high-water mark across fork+exec. GNU time forks from a small process instead.
    if os.path.exists(TIME):
        return [TIME, "-f", "%M", "-o", rss_file, *args]
    return args


def _rss(rss_file: str, usage) -> int:
    try:
        return int(Path(rss_file).read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return usage.ru_maxrss


def run_child(args: list[str], env: dict | None = None) -> tuple[float, int, str, int]:
    """Run a process; returns (wall seconds, its peak RSS in KiB, stdout, exit code)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen(_timed(args, rss_file.name), stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if code != 0:
            stderr = err.read().decode("utf-8", "replace")
            sys.stderr.write(f"[bench] {' '.join(args[:6])} exited {code}: {stderr.strip()[-500:]}\n")
        peak = _rss(rss_file.name, usage)
    return wall, peak, stdout, code


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def child_env(db: Path, workdir: Path) -> dict:
    env = dict(os.environ)
    env["READR_DB"] = str(db)
    env["READR_CONFIG"] = str(workdir / "no-config.toml")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # Measure readr as installed: bytecode cached (an install writes .pyc files; a working tree
    # with PYTHONDONTWRITEBYTECODE=1 would recompile every edited module on every start).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def schema_without_triggers() -> list[str]:
    from readr.store.connection import split_statements

    text = (ROOT / "readr" / "schema.sql").read_text(encoding="utf-8")
    return [s for s in split_statements(text) if not s.lstrip().upper().startswith("CREATE TRIGGER")]


# --- child processes ---------------------------------------------------------------------------


def child_import(src: str, db: str) -> None:
    from readr.catalogue import import_files
    from readr.store import Store

    with Store(db) as lib:
        start = time.perf_counter()
        lines = import_files(lib, [Path(src)])
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "papers": lib.paper_count(), "lines": lines}))


def child_raw_import(src: str, db: str) -> None:
    """The floor: plain sqlite3, same schema, load everything, then build the FTS index once."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -65536")
    for statement in schema_without_triggers():
        conn.execute(statement)
    sql = ("INSERT INTO papers (key, arxiv_id, latest_version, title, authors, authors_text, abstract, "
           "primary_category, categories, published, comment, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,'arxiv')")
    start = time.perf_counter()
    conn.execute("BEGIN")
    batch = []
    with open(src, "rb") as handle:
        for line in handle:
            r = json.loads(line)
            authors = [f"{a[1]} {a[0]}" for a in r["authors_parsed"]]
            cats = r["categories"].split()
            batch.append((r["id"], r["id"], len(r["versions"]), r["title"], json.dumps(authors), ", ".join(authors),
                          r["abstract"], cats[0], json.dumps(cats), r["versions"][0]["created"], r["comments"]))
            if len(batch) >= 2000:
                conn.executemany(sql, batch)
                batch = []
    if batch:
        conn.executemany(sql, batch)
    conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    count = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    print(json.dumps({"seconds": seconds, "papers": count}))


BARE_SEARCH = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT p.key, p.title, p.authors_text FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid "
                    "WHERE papers_fts MATCH ? LIMIT 50", (sys.argv[2],)).fetchall()
for key, title, authors in rows:
    print(key, title, authors, sep="\\t")
"""

BARE_WEEK = """
import sqlite3, sys, datetime
conn = sqlite3.connect(sys.argv[1])
today = datetime.date.today(); monday = today - datetime.timedelta(days=today.weekday())
week = (monday.isoformat(), (monday + datetime.timedelta(days=7)).isoformat())
rows = conn.execute("SELECT key, title, summary FROM papers WHERE status = 'read' AND read_at >= ? AND read_at < ? "
                    "ORDER BY read_at, read_seq", week)
for key, title, summary in rows:
    print(f"[**{title}**](https://arxiv.org/abs/{key}) {summary}\\n")
"""

# --- measurements ------------------------------------------------------------------------------


def apply_reader_state(db: Path, n: int) -> int:
    from readr.store import Store

    state = synth.reader_state(n)
    with Store(db) as lib:
        for paper in state:
            if paper.status == "read":
                lib.set_status([paper.arxiv_id], "read", on=paper.read_at)
            else:
                lib.set_status([paper.arxiv_id], paper.status)
            if paper.summary:
                lib.set_summary(paper.arxiv_id, paper.summary)
            if paper.tags:
                lib.add_tags([paper.arxiv_id], paper.tags)
    return len(state)


def time_calls(fn, repeat: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def measure_searches(db: Path, repeat: int) -> dict:
    from readr.store import Store

    results = {}
    raw = sqlite3.connect(str(db))
    with Store(db) as lib:
        for label, (text, match) in QUERIES.items():
            hits = len(lib.search(text, limit=50))
            readr_times = time_calls(lambda text=text: lib.search(text, limit=50), repeat)
            if match is not None:
                sql = ("SELECT p.* FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid "
                       "WHERE papers_fts MATCH ? LIMIT 50")
                params: tuple = (match,)
            else:
                sql = ("SELECT p.* FROM papers p JOIN paper_tags pt ON pt.paper_id = p.id "
                       "JOIN tags t ON t.id = pt.tag_id "
                       "WHERE t.name = ? AND substr(p.published, 1, 4) BETWEEN '2015' AND '2019' "
                       "ORDER BY p.added_at DESC LIMIT 50")
                params = ("reading-group",)
            raw_times = time_calls(lambda sql=sql, params=params: raw.execute(sql, params).fetchall(), repeat)
            results[label] = {"hits": hits, "readr": readr_times, "raw": raw_times}
        typed = []
        for end in range(1, len(TYPED) + 1):
            prefix = TYPED[:end]
            typed += time_calls(lambda prefix=prefix: lib.search(prefix, limit=50), max(3, repeat // 5))
        raw_typed = []
        for end in range(1, len(TYPED) + 1):
            words = TYPED[:end].split()
            prefix_star = len(words[-1]) >= 3 and not TYPED[:end].endswith(" ")
            expr = " ".join(f'"{w}"' for w in words) + ("*" if prefix_star else "")
            raw_typed += time_calls(lambda expr=expr: raw.execute(
                "SELECT p.* FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid WHERE papers_fts MATCH ? LIMIT 50",
                (expr,)).fetchall(), max(3, repeat // 5))
        results["type-ahead"] = {"readr": typed, "raw": raw_typed}
    raw.close()
    return results


def measure_cli(db: Path, workdir: Path, runs: int) -> dict:
    env = child_env(db, workdir)
    out = {}
    cases = {
        "readr search": ([sys.executable, "-m", "readr", "search", "zeolitic"],
                         [sys.executable, "-c", BARE_SEARCH, str(db), "zeolitic"]),
        "readr export --week": ([sys.executable, "-m", "readr", "export", "--week"],
                                [sys.executable, "-c", BARE_WEEK, str(db)]),
    }
    for label, (cmd, bare) in cases.items():
        run_child(cmd, env)  # warm-up: bytecode and OS page cache
        run_child(bare, env)
        walls, rss, bare_walls, codes = [], [], [], set()
        for _ in range(runs):
            wall, peak, _, code = run_child(cmd, env)
            walls.append(wall)
            rss.append(peak)
            codes.add(code)
            bare_walls.append(run_child(bare, env)[0])
        out[label] = {"readr": walls, "raw": bare_walls, "rss_kib": max(rss), "ok": codes == {0}}
    out["python -c pass"] = {"readr": [run_child([sys.executable, "-c", "pass"], env)[0] for _ in range(runs)]}
    return out


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr)


def measure_tui(db: Path, workdir: Path, runs: int, sessions: int) -> dict:
    """The TUI rows (benchmarks/tui_pty.py); {"skipped": why} without pyte, {"error": ...} when a
    screen never showed what it should (that screen went to stderr)."""
    from benchmarks import tui_pty

    missing = tui_pty.missing_pyte()
    if missing:
        _log(missing)
        return {"skipped": missing}
    env = child_env(db, workdir)
    out: dict = {}
    try:
        ff = tui_pty.first_frames(db, env, runs=runs, log=_log)
        out |= {"first_frame": ff.readr, "bare_first_frame": ff.bare,
                "rss_kib": max(ff.readr_rss_kib, default=None), "bare_rss_kib": max(ff.bare_rss_kib, default=None)}
        bare = tui_pty.bare_echo(env, TYPED, sessions=sessions, log=_log)
        out["bare_echo"] = {"samples": bare.samples, "untimed": bare.untimed}
        out["keystroke"] = {}
        for view in ("all", "catalogue"):
            if not tui_pty.view_exists(db, view):
                _log(f"no {view!r} view in this readr: its row is n/a")
                continue
            k = tui_pty.keystrokes(db, env, view=view, text=TYPED, sessions=sessions, log=_log)
            out["keystroke"][view] = {"samples": k.samples, "texts": k.timed, "echo": k.echo,
                                      "untimed": k.untimed, "sessions": sessions, "same_rows": k.same_rows,
                                      "rss_kib": max(k.rss_kib, default=None)}
    except tui_pty.HarnessError as exc:
        out["error"] = str(exc).split(";")[0]
    return out


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.stem + ".files"), ignore_errors=True)


def prepare(n: int, workdir: Path, import_runs: int) -> tuple[Path, dict]:
    src = workdir / f"synthetic-{n}.jsonl"
    if not src.exists():
        start = time.perf_counter()
        synth.write_kaggle(src, n)
        print(f"[bench] generated {src} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    db, raw_db = workdir / f"readr-{n}.db", workdir / f"raw-{n}.db"
    env = child_env(db, workdir)
    result: dict = {"n": n, "import_runs": import_runs}
    # Interleaved, best of `import_runs`: the machine is shared, and a throughput is best read
    # from the least disturbed run.
    for _ in range(import_runs):
        _fresh(raw_db)
        _, rss, stdout, _ = run_child([sys.executable, __file__, "--child", "raw-import", str(src), str(raw_db)], env)
        raw = json.loads(stdout.strip().splitlines()[-1]) | {"rss_kib": rss}
        if "raw_import" not in result or raw["seconds"] < result["raw_import"]["seconds"]:
            result["raw_import"] = raw
        _fresh(raw_db)
        _fresh(db)
        # The empty library first, so that the import child times only the import.
        subprocess.run([sys.executable, "-c", "import sys; from readr.store import Store; Store(sys.argv[1]).close()",
                        str(db)], env=env, check=True)
        _, rss, stdout, _ = run_child([sys.executable, __file__, "--child", "import", str(src), str(db)], env)
        imported = json.loads(stdout.strip().splitlines()[-1]) | {"rss_kib": rss}
        if "import" not in result or imported["seconds"] < result["import"]["seconds"]:
            result["import"] = imported
        print(f"[bench] N={n:,}: import {imported['seconds']:.1f} s, raw {raw['seconds']:.1f} s", file=sys.stderr)
    start = time.perf_counter()
    result["reading_list"] = apply_reader_state(db, n)
    result["reader_state_seconds"] = time.perf_counter() - start
    return db, result


def bench(n: int, workdir: Path, repeat: int, runs: int, tui_runs: int, tui_sessions: int) -> dict:
    db, result = prepare(n, workdir, import_runs=3 if n <= 100_000 else 1)
    print(f"[bench] N={n:,}: imported, measuring searches", file=sys.stderr)
    result["search"] = measure_searches(db, repeat)
    print(f"[bench] N={n:,}: CLI", file=sys.stderr)
    result["cli"] = measure_cli(db, workdir, runs)
    print(f"[bench] N={n:,}: TUI", file=sys.stderr)
    result["tui"] = measure_tui(db, workdir, tui_runs, tui_sessions)
    result["db_bytes"] = db.stat().st_size
    return result


# --- the table -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def rate(papers: int, seconds: float) -> str:
    return f"{papers / seconds:,.0f}/s"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "n/a"
    return f"{a / b:.2f}×"


def rows_for(result: dict) -> list[tuple[str, str, str, str]]:
    """(metric, readr, baseline, ratio) for one size (only the TUI rows after --tui-only)."""
    rows = []
    if "import" in result:
        rows += core_rows(result)
    if "tui" in result:
        rows += tui_rows(result["tui"])
    return rows


def core_rows(result: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    imp, raw = result["import"], result["raw_import"]
    rows.append(("import rate (papers/s)", rate(imp["papers"], imp["seconds"]), rate(raw["papers"], raw["seconds"]),
                 ratio(imp["papers"] / imp["seconds"], raw["papers"] / raw["seconds"])))
    rows.append(("import peak RSS", f"{imp['rss_kib'] / 1024:.0f} MB", f"{raw['rss_kib'] / 1024:.0f} MB",
                 ratio(imp["rss_kib"], raw["rss_kib"])))
    for label in QUERIES:
        s = result["search"][label]
        for q, name in ((0.5, "p50"), (0.95, "p95")):
            a, b = pct(s["readr"], q), pct(s["raw"], q)
            rows.append((f"search {label} ({s['hits']} shown) {name}", ms(a), ms(b), ratio(a, b)))
    t = result["search"]["type-ahead"]
    rows.append((f"search as you type '{TYPED}' p95", ms(pct(t["readr"], 0.95)), ms(pct(t["raw"], 0.95)),
                 ratio(pct(t["readr"], 0.95), pct(t["raw"], 0.95))))
    for label in ("readr search", "readr export --week"):
        c = result["cli"][label]
        a, b = statistics.median(c["readr"]), statistics.median(c["raw"])
        rows.append((f"`{label}` wall (median)" + ("" if c["ok"] else " FAILED"), ms(a), ms(b), ratio(a, b)))
    floor = statistics.median(result["cli"]["python -c pass"]["readr"])
    rows.append(("`python -c pass` wall (interpreter start-up floor)", ms(floor), "", ""))
    rows.append(("`readr search` peak RSS", f"{result['cli']['readr search']['rss_kib'] / 1024:.0f} MB", "", ""))
    return rows


def mb(kib: int | None) -> str:
    return f"{kib / 1024:.0f} MB" if kib else "n/a"


def p50_p95(values: list[float]) -> str:
    return f"{ms(pct(values, 0.5))} / {ms(pct(values, 0.95))}"


def tui_rows(tui: dict) -> list[tuple[str, str, str, str]]:
    """The TUI rows: a figure, or FAILED (the harness stopped: see stderr), or n/a (no pyte, or no
    such view in this readr)."""
    gone = "FAILED" if "error" in tui else "n/a"
    rows = []
    if "first_frame" in tui:
        a, b = statistics.median(tui["first_frame"]), statistics.median(tui["bare_first_frame"])
        rows.append(("TUI first frame (median)", ms(a), ms(b), ratio(a, b)))
        rows.append(("TUI peak RSS", mb(tui["rss_kib"]), mb(tui["bare_rss_kib"]),
                     ratio(tui["rss_kib"], tui["bare_rss_kib"])))
    else:
        rows.append(("TUI first frame (median)", gone, "", ""))
        rows.append(("TUI peak RSS", gone, "", ""))
    floor = tui.get("bare_echo", {}).get("samples")
    base = p50_p95(floor) if floor else ""
    keys = tui.get("keystroke", {})
    labels = {"all": "reading list", "catalogue": "catalogue, every paper searched"}
    for view, what in (("all", "list updated"), ("all", "echo in the search bar"), ("catalogue", "list updated")):
        label = f"TUI keystroke to {what} p50 / p95 ({labels[view]})"
        k = keys.get(view)
        if k is None:
            missing = gone if "error" in tui or view == "all" else "n/a"  # a readr without a Catalogue view
            rows.append((label, missing, base, ""))
            continue
        values = k["samples"] if what == "list updated" else k["echo"]
        rows.append((label, p50_p95(values), base, ratio(pct(values, 0.95), pct(floor, 0.95)) if floor else ""))
    return rows


def tui_notes(results: list[dict]) -> str:
    """What the keystroke rows are made of, per size (the table has no room for it)."""
    lines = []
    for r in results:
        tui = r.get("tui", {})
        if "skipped" in tui:
            lines.append(f"N={r['n']:,}: TUI rows not measured: {tui['skipped']}.")
            continue
        if "error" in tui:
            lines.append(f"N={r['n']:,}: the TUI harness stopped: {tui['error']} (the screen is on stderr).")
        for view, k in tui.get("keystroke", {}).items():
            untimed = sorted(set(k["untimed"]))
            lines.append(
                f"N={r['n']:,}, {view}: {k['sessions']} sessions of {len(TYPED)} keys, {len(k['samples'])} timed"
                + ("; not timed (the result was on screen before the key): "
                   + ", ".join(repr(u) for u in untimed) if untimed else "")
                + f"; {k['same_rows']} keys a session leave the first rows as they were."
            )
        if "bare_echo" in tui:
            lines.append(f"N={r['n']:,}: baseline of the keystroke rows: the same keys echoed by a bare Textual "
                         f"Input, p50 / p95 ({len(tui['bare_echo']['samples'])} keys).")
    return "\n".join(lines)


def table(results: list[dict]) -> str:
    per_size = [rows_for(r) for r in results]
    header = "| metric | " + " | ".join(
        f"readr N={r['n']:,} | baseline | ratio" for r in results) + " |"
    sep = "|---|" + "---:|---:|---:|" * len(results)
    lines = [header, sep]
    for index, row in enumerate(per_size[0]):
        cells = [row[0]]
        for rows in per_size:
            _, a, b, c = rows[index] if index < len(rows) else ("", "", "", "")
            cells += [a, b or "", c or ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    import platform

    cores = os.cpu_count()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.system()} "
            f"{platform.machine()}, {cores} cores, load average {load:.1f} at the end")


def tui_only(db: Path, workdir: Path, runs: int, sessions: int) -> dict:
    """The TUI rows on an existing library (no import)."""
    from benchmarks import tui_pty
    from readr.store import Store

    missing = tui_pty.missing_pyte()
    if missing:
        sys.exit(f"[bench] {missing}")
    if not db.exists():
        sys.exit(f"[bench] no library at {db}")
    with Store(db) as lib:
        n = lib.paper_count()
    return {"n": n, "db": str(db), "tui": measure_tui(db, workdir, runs, sessions)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--workdir", default=os.environ.get("READR_BENCH_DIR", "/tmp/readr-bench"))
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per search query")
    parser.add_argument("--runs", type=int, default=5, help="runs per subprocess measurement")
    parser.add_argument("--tui-runs", type=int, default=9, help="first frames of readr and of a bare app")
    parser.add_argument("--tui-sessions", type=int, default=3, help="fresh TUI processes typing the search")
    parser.add_argument("--tui-only", action="store_true", help="only the TUI rows, on the library --db")
    parser.add_argument("--db", type=Path, help="the library for --tui-only")
    parser.add_argument("--sync", action="store_true",
                        help="also the sync table (benchmarks/sync.py: 10,000 notes and 20 readers x 5,000)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here (and .json beside it)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        {"import": child_import, "raw-import": child_raw_import}[kind](*rest)
        return
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    if args.tui_only:
        if args.db is None:
            parser.error("--tui-only needs --db PATH")
        results.append(tui_only(args.db, workdir, args.tui_runs, args.tui_sessions))
        text = table(results) + "\n\n" + tui_notes(results) + "\n" + machine() + "\n"
    else:
        from benchmarks import tui_pty

        if tui_pty.missing_pyte():
            _log(tui_pty.missing_pyte() + "; the TUI rows will be n/a")
        for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
            results.append(bench(n, workdir, args.repeat, args.runs, args.tui_runs, args.tui_sessions))
            print(table(results), file=sys.stderr)
        text = ""
        if results:
            runs = ", ".join(f"{r['n']:,}: best of {r['import_runs']}" for r in results)
            text = table(results) + "\n\n" + tui_notes(results) + f"\nImport runs ({runs}). " + machine() + "\n"
        if args.sync:
            from benchmarks import sync as sync_bench

            rows = sync_bench.main(["--workdir", str(workdir / "sync"), "--tui-runs", str(min(args.tui_runs, 5))],
                                   print_table=False)
            text += ("\n" if text else "") + sync_bench.report(rows, sync_bench.FULL)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    failed = [r["n"] for r in results if "error" in r.get("tui", {})]
    if failed:
        sys.exit(f"[bench] the TUI harness failed at N={', '.join(f'{n:,}' for n in failed)}: see the screen above")


if __name__ == "__main__":
    main()
