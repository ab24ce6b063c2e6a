"""The everyday commands the peers also have: listing every paper, importing a .bib file, searching.

    python benchmarks/everyday.py                          # N = 10k and 100k (~10 minutes on 2 cores)
    python benchmarks/everyday.py --sizes 300 --runs 1     # tiny: what tests/test_bench_everyday.py runs
    python benchmarks/everyday.py --out everyday.md        # also write the table (and JSON beside it)

Per size it writes the same N synthetic papers (benchmarks/synth.py, with inline math, accented
names and protected words laid in: synth.papers_with_tex) as Kaggle JSON lines and as a .bib
file (cached in --workdir), then times whole processes, as a user runs them (bytecode cached,
stdout buffered), each after a warm-up run, the median of --runs:

* `readr import FILE.bib` into an empty library, against `readr import FILE.jsonl` (the same
  papers through the catalogue import) -- the floor the issue set: at most 4x -- with the peak
  RSS of each (GNU time);
* on the library the .bib import made (N papers on the reading list): `readr list -n N` to a
  file, as a table in a pseudo-terminal of 120x40 (the time to its last byte), and with --json to
  a file; `readr search zeolitic`. Their floor is the interpreter's start-up, `python -c pass`,
  timed in the same run, interleaved: listing at most 8x it, search at most 3x.

With --installed, the search and the list are timed a second time from a venv in --workdir with
readr installed as the README's first command installs it (`pip install .`, no editable finder),
each beside that venv's own `python -c pass` (about 20 ms where the README's test venv, whose
editable-install finder imports pathlib and re at every start, takes about 45 ms), with a third
row for the standard-library modules they need (`import re, pathlib, sqlite3, json`).

No figure here is asserted anywhere: the tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from benchmarks.run import _rss, _timed, child_env, machine, run_child  # noqa: E402

SEARCH_WORD = "zeolitic"
STDLIB_NEEDED = "re, pathlib, sqlite3, json"
# (row, the floor it is read against, the target the issue set as a multiple of that floor)
TARGETS = {
    "list": ("`readr list -n N` to a file", "start-up", 8),
    "list_table": ("`readr list -n N` as a terminal table", "start-up", None),
    "list_json": ("`readr list -n N --json` to a file", "start-up", None),
    "bib_import": ("`readr import` N BibTeX entries", "JSON lines", 4),
    "search": (f"`readr search {SEARCH_WORD}`", "start-up", 3),
}
# --installed: the same from a venv where readr is installed with `pip install .`.
INSTALLED_TARGETS = {
    "list_installed": ("`readr list -n N` to a file, from `pip install .`", "installed start-up", 8),
    "search_installed": (f"`readr search {SEARCH_WORD}`, from `pip install .`", "installed start-up", 3),
    # What a Python tool that searches SQLite pays before its own first line: of the standard
    # library, these commands load these four modules and what they import, and little else
    # (threading, contextlib, unicodedata).
    "stdlib_installed": (f"`python -c 'import {STDLIB_NEEDED}'`, same venv", "installed start-up", None),
}


def env_for(db: Path, workdir: Path) -> dict:
    env = child_env(db, workdir)
    env.pop("PYTHONUNBUFFERED", None)  # as a user's shell runs readr: stdout buffered
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


def run_in_pty(args: list[str], env: dict, columns: int = 120) -> tuple[float, int, int]:
    """(wall seconds to the child's exit, its peak RSS in KiB, bytes it wrote) with its stdout a
    terminal of `columns` x 40 that this process drains."""
    import fcntl
    import struct
    import tempfile
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    with tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen(_timed(args, rss_file.name), env=dict(env, TERM="xterm-256color"),
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL)
        os.close(slave)
        written = 0
        while True:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            written += len(chunk)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        os.close(master)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.stderr.write(f"[bench] {' '.join(args[:6])} exited {os.waitstatus_to_exitcode(status)}\n")
        return wall, _rss(rss_file.name, usage), written


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.stem + ".files"), ignore_errors=True)


def import_into(db: Path, source: Path, workdir: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS KiB) of `readr import source` into an empty library."""
    _fresh(db)
    env = env_for(db, workdir)
    subprocess.run([sys.executable, "-c", "import sys; from readr.store import Store; Store(sys.argv[1]).close()",
                    str(db)], env=env, check=True)
    wall, rss, _, _ = run_child([sys.executable, "-m", "readr", "import", str(source)], env)
    return wall, rss


def installed_python(workdir: Path) -> Path:
    """A venv in workdir with readr installed from this tree as a user installs it (`pip install .`)."""
    venv = workdir / "venv-installed"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
                   check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    return python


def bench(n: int, workdir: Path, runs: int, installed: Path | None = None) -> dict:
    jsonl, bib = synth.write_tex_pair(workdir, n)
    db, jsonl_db = workdir / f"everyday-bib-{n}.db", workdir / f"everyday-jsonl-{n}.db"
    result: dict = {"n": n, "runs": runs}
    # Imports: interleaved, each the median of `runs` (a throughput is read from several runs on a
    # shared machine); the .bib library is kept for the rows below.
    bib_runs, jsonl_runs = [], []
    for _ in range(runs):
        jsonl_runs.append(import_into(jsonl_db, jsonl, workdir))
        bib_runs.append(import_into(db, bib, workdir))
        print(f"[bench] N={n:,}: .bib {bib_runs[-1][0]:.1f} s, JSON lines {jsonl_runs[-1][0]:.1f} s", file=sys.stderr)
    _fresh(jsonl_db)
    result["bib_import"] = {"readr": [w for w, _ in bib_runs], "floor": [w for w, _ in jsonl_runs],
                            "rss_kib": max(r for _, r in bib_runs), "floor_rss_kib": max(r for _, r in jsonl_runs)}
    env = env_for(db, workdir)
    readr = [sys.executable, "-m", "readr"]
    commands = {
        "list": readr + ["list", "-n", str(n)],
        "list_json": readr + ["list", "-n", str(n), "--json"],
        "search": readr + ["search", SEARCH_WORD],
    }
    floor = [sys.executable, "-c", "pass"]
    others: dict[str, list[str]] = {}
    other_env = dict(env)
    other_env.pop("PYTHONPATH", None)  # readr as that venv has it
    if installed is not None:
        others = {
            "list_installed": [str(installed), "-m", "readr", "list", "-n", str(n)],
            "search_installed": [str(installed), "-m", "readr", "search", SEARCH_WORD],
            "stdlib_installed": [str(installed), "-c", f"import {STDLIB_NEEDED}"],
            "floor_installed": [str(installed), "-c", "pass"],
        }
    for args in (*commands.values(), floor):
        run_child(args, env)  # warm-up: bytecode and the OS page cache
    for args in others.values():
        run_child(args, other_env)
    run_in_pty(readr + ["list", "-n", str(n)], env)
    samples: dict[str, list[float]] = {name: [] for name in (*commands, "list_table", "floor", *others)}
    rss: dict[str, int] = {}
    for _ in range(runs):
        for name, args in commands.items():
            wall, peak, stdout, _ = run_child(args, env)
            samples[name].append(wall)
            rss[name] = max(rss.get(name, 0), peak)
            if name == "list":
                result["list_lines"] = stdout.count("\n")
        wall, peak, written = run_in_pty(readr + ["list", "-n", str(n)], env)
        samples["list_table"].append(wall)
        rss["list_table"] = max(rss.get("list_table", 0), peak)
        samples["floor"].append(run_child(floor, env)[0])
        for name, args in others.items():
            samples[name].append(run_child(args, other_env)[0])
    for name in (*commands, "list_table"):
        result[name] = {"readr": samples[name], "floor": samples["floor"], "rss_kib": rss[name]}
    for name in INSTALLED_TARGETS if others else ():
        result[name] = {"readr": samples[name], "floor": samples["floor_installed"]}
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def rows_for(result: dict) -> list[tuple[str, str, str, str, str]]:
    """(row, readr, floor, ratio, target) for one size."""
    rows = []
    for key, (label, floor_name, target) in {**TARGETS, **INSTALLED_TARGETS}.items():
        if key not in result:
            continue
        entry = result[key]
        a, b = statistics.median(entry["readr"]), statistics.median(entry["floor"])
        floor_label = {"start-up": "`python -c pass`", "installed start-up": "its `python -c pass`"}.get(
            floor_name, "`readr import` of the JSON lines")
        rows.append((label, ms(a), f"{ms(b)} ({floor_label})", f"{a / b:.1f}×",
                     f"≤ {target}×" if target else ""))
    bib = result["bib_import"]
    rows.append(("peak RSS of the BibTeX import", f"{bib['rss_kib'] / 1024:.0f} MB",
                 f"{bib['floor_rss_kib'] / 1024:.0f} MB (JSON lines)", "", ""))
    rows.append(("peak RSS of `readr list -n N` (to a file / --json)",
                 f"{result['list']['rss_kib'] / 1024:.0f} / {result['list_json']['rss_kib'] / 1024:.0f} MB",
                 "", "", ""))
    return rows


def table(results: list[dict]) -> str:
    header = "| operation | " + " | ".join(f"N={r['n']:,} | floor | ratio" for r in results) + " | target |"
    lines = [header, "|---|" + "---:|---|---:|" * len(results) + "---|"]
    per_size = [rows_for(r) for r in results]
    for index, row in enumerate(per_size[0]):
        cells = [row[0]]
        for rows in per_size:
            cells += list(rows[index][1:4])
        cells.append(row[4])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workdir", default=os.environ.get("READR_BENCH_DIR", "/tmp/readr-bench"))
    parser.add_argument("--runs", type=int, default=5, help="runs of each process measured (the median is shown)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here (and .json beside it)")
    parser.add_argument("--installed", action="store_true",
                        help="also time search and list from a venv with `pip install .` (built in --workdir)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    installed = installed_python(workdir) if args.installed else None
    results = []
    for n in [int(x) for x in args.sizes.split(",")]:
        results.append(bench(n, workdir, args.runs, installed))
        print(table(results), file=sys.stderr)
    text = (table(results) + f"\n\nMedians of {args.runs} runs each; each ratio is against its floor timed in the "
            f"same run. " + machine() + "\n")
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
