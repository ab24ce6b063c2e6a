"""readr benchmarks: one table at N = 10k, 100k and 1M papers, each figure beside a bare baseline.

    python benchmarks/run.py                       # N = 10k, 100k, 1M (about 15 minutes on 2 cores)
    python benchmarks/run.py --sizes 10000         # one size
    python benchmarks/run.py --out bench.md        # also write the table (and JSON beside it)

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
* TUI time to first frame (readr.tui.make_app, headless) against a bare Textual app, and
  keystroke-to-list-updated in the TUI search -- "n/a" while readr.tui has no make_app;
* peak RSS of each child process.

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
        lines = import_files(lib, [Path(src)], progress=False)
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
rows = conn.execute("SELECT key, title, summary FROM papers WHERE status = 'read' AND read_at >= ? AND read_at < ? "
                    "ORDER BY read_at, read_seq", (monday.isoformat(), (monday + datetime.timedelta(days=7)).isoformat()))
for key, title, summary in rows:
    print(f"[**{title}**](https://arxiv.org/abs/{key}) {summary}\\n")
"""

FIRST_FRAME = """
import sys, time
mode, db = sys.argv[1], sys.argv[2]
if mode == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("hello")
            yield Footer()

    app = Bare()
else:
    from readr.tui import make_app
    app = make_app(db)

async def pilot(p):
    await p.pause()
    print("FRAME", flush=True)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=pilot)
"""


def child_first_frame(mode: str, db: Path, env: dict) -> tuple[float, int]:
    """Spawn to first painted frame, and the peak RSS of that process."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen(_timed([sys.executable, "-c", FIRST_FRAME, mode, str(db)], rss_file.name), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        frame = None
        for line in proc.stdout:
            if line.strip() == b"FRAME":
                frame = time.perf_counter() - start
                break
        proc.stdout.read()
        err = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        peak = _rss(rss_file.name, usage)
    if frame is None:
        raise RuntimeError(f"{mode} TUI never painted: {err.strip()[-400:]}")
    return frame, peak


KEYSTROKES = """
import sys, time, json
from readr.tui import make_app
from readr.tui import app as tui_app

# Instrument the library screen: when a reload starts (after the debounce) and when its result
# has been put in the list.
marks = {"reload": [], "loaded": []}
Screen = tui_app.LibraryScreen
original_reload, original_loaded = Screen.reload, Screen.on_view_loaded

def reload(self, *args, **kwargs):
    marks["reload"].append(time.perf_counter())
    return original_reload(self, *args, **kwargs)

def on_view_loaded(self, message):
    result = original_loaded(self, message)
    if message.generation == self.generation and not message.error:
        marks["loaded"].append((time.perf_counter(), message.generation))
    return result

Screen.reload, Screen.on_view_loaded = reload, on_view_loaded
app = make_app(sys.argv[1])
total, after_debounce = [], []

async def pilot(p):
    await p.pause()
    await p.press("slash")
    await p.pause()
    for ch in sys.argv[2]:
        screen = app.screen
        n_reload, n_loaded = len(marks["reload"]), len(marks["loaded"])
        start = time.perf_counter()
        await p.press("space" if ch == " " else ch)
        deadline = start + 30
        while time.perf_counter() < deadline:
            if len(marks["loaded"]) > n_loaded and len(marks["reload"]) > n_reload \
                    and marks["loaded"][-1][1] == screen.generation:
                break
            await p.pause(0.002)
        await p.pause()  # the repaint
        end = time.perf_counter()
        total.append(end - start)
        after_debounce.append(end - marks["reload"][-1])
    print("TIMES " + json.dumps({"total": total, "after_debounce": after_debounce}), flush=True)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=pilot)
"""


# --- measurements ------------------------------------------------------------------------------


def tui_available() -> tuple[bool, bool]:
    try:
        import importlib

        tui = importlib.import_module("readr.tui")
    except Exception:
        return False, False
    try:
        screen = importlib.import_module("readr.tui.app").LibraryScreen
        instrumentable = hasattr(screen, "reload") and hasattr(screen, "on_view_loaded")
    except Exception:
        instrumentable = False
    return hasattr(tui, "make_app"), instrumentable


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
            readr_times = time_calls(lambda: lib.search(text, limit=50), repeat)
            if match is not None:
                sql = ("SELECT p.* FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid "
                       "WHERE papers_fts MATCH ? LIMIT 50")
                params: tuple = (match,)
            else:
                sql = ("SELECT p.* FROM papers p JOIN paper_tags pt ON pt.paper_id = p.id JOIN tags t ON t.id = pt.tag_id "
                       "WHERE t.name = ? AND substr(p.published, 1, 4) BETWEEN '2015' AND '2019' "
                       "ORDER BY p.added_at DESC LIMIT 50")
                params = ("reading-group",)
            raw_times = time_calls(lambda: raw.execute(sql, params).fetchall(), repeat)
            results[label] = {"hits": hits, "readr": readr_times, "raw": raw_times}
        typed = []
        for end in range(1, len(TYPED) + 1):
            prefix = TYPED[:end]
            typed += time_calls(lambda: lib.search(prefix, limit=50), max(3, repeat // 5))
        raw_typed = []
        for end in range(1, len(TYPED) + 1):
            words = TYPED[:end].split()
            expr = " ".join(f'"{w}"' for w in words) + ("*" if len(words[-1]) >= 3 and not TYPED[:end].endswith(" ") else "")
            raw_typed += time_calls(lambda: raw.execute(
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


def measure_tui(db: Path, workdir: Path, runs: int) -> dict:
    has_app, has_settled = tui_available()
    env = child_env(db, workdir)
    child_first_frame("bare", db, env)  # warm-up
    bare = [child_first_frame("bare", db, env) for _ in range(runs)]
    out = {"bare_first_frame": [b[0] for b in bare], "bare_rss_kib": max(b[1] for b in bare)}
    if has_app:
        child_first_frame("readr", db, env)  # warm-up
        frames = [child_first_frame("readr", db, env) for _ in range(runs)]
        out["first_frame"] = [f[0] for f in frames]
        out["rss_kib"] = max(f[1] for f in frames)
    if has_app and has_settled:
        _, _, stdout, code = run_child([sys.executable, "-c", KEYSTROKES, str(db), TYPED], env)
        for line in stdout.splitlines():
            if line.startswith("TIMES "):
                out["keystroke"] = json.loads(line[6:])
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


def bench(n: int, workdir: Path, repeat: int, runs: int) -> dict:
    db, result = prepare(n, workdir, import_runs=3 if n <= 100_000 else 1)
    print(f"[bench] N={n:,}: imported, measuring searches", file=sys.stderr)
    result["search"] = measure_searches(db, repeat)
    print(f"[bench] N={n:,}: CLI", file=sys.stderr)
    result["cli"] = measure_cli(db, workdir, runs)
    print(f"[bench] N={n:,}: TUI", file=sys.stderr)
    result["tui"] = measure_tui(db, workdir, runs)
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
    """(metric, readr, baseline, ratio) for one size."""
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
    tui = result["tui"]
    bare = statistics.median(tui["bare_first_frame"])
    if "first_frame" in tui:
        a = statistics.median(tui["first_frame"])
        rows.append(("TUI first frame (median)", ms(a), ms(bare), ratio(a, bare)))
        rows.append(("TUI peak RSS", f"{tui['rss_kib'] / 1024:.0f} MB", f"{tui['bare_rss_kib'] / 1024:.0f} MB",
                     ratio(tui["rss_kib"], tui["bare_rss_kib"])))
    else:
        rows.append(("TUI first frame (median)", "n/a", ms(bare), "n/a"))
        rows.append(("TUI peak RSS", "n/a", f"{tui['bare_rss_kib'] / 1024:.0f} MB", "n/a"))
    if "keystroke" in tui:
        k, q = tui["keystroke"]["total"], tui["keystroke"]["after_debounce"]
        rows.append(("TUI keystroke to list updated p50", ms(pct(k, 0.5)), "", ""))
        rows.append(("TUI keystroke to list updated p95", ms(pct(k, 0.95)), "", ""))
        rows.append(("… of which after the 150 ms debounce, p95", ms(pct(q, 0.95)), "", ""))
    else:
        rows.append(("TUI keystroke to list updated p95", "n/a", "", ""))
    return rows


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--workdir", default=os.environ.get("READR_BENCH_DIR", "/tmp/readr-bench"))
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per search query")
    parser.add_argument("--runs", type=int, default=5, help="runs per subprocess measurement")
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
    for n in [int(x) for x in args.sizes.split(",")]:
        results.append(bench(n, workdir, args.repeat, args.runs))
        print(table(results), file=sys.stderr)
    runs = ", ".join(f"{r['n']:,}: best of {r['import_runs']}" for r in results)
    text = table(results) + f"\n\nImport runs ({runs}). " + machine() + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
