"""The fast dispatcher (readr.cli.fast) against the Typer app: the same bytes, the same exit code.

Every command line in the corpus runs twice in subprocesses on the same library: as users run it
(`python -m readr ...`, which tries readr.cli.fast first) and straight through the Typer app
(`readr.cli.app`). stdout, stderr and the exit code must be identical -- for results, JSON,
hostile titles, no results, query errors, damaged and non-library files, a broken config, and for
every command line the fast path refuses (help, unknown options, odd values ...), which Typer must
then handle unchanged. Each case also says whether the fast path takes it, so the corpus cannot
quietly stop exercising one side.
"""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from readr.cli import fast
from tests.conftest import kaggle_library_read_this_week, popen_with_ctrl_c

TYPER = "from readr.cli import app; app(prog_name='readr')"
HOSTILE_TITLE = (
    "[bold red]Markup[/bold red] in [link=https://evil.example]titles[/link] :smile: "
    "\x1b]0;pwned\x07\x1b[31m zeolitic 量子コンピュータ 🚀 Überblick über Ångström‮txet‬ e\u0301"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The library and the odd files the corpus points at."""
    from readr.store import Store

    base = tmp_path_factory.mktemp("fastcli")
    lib_path = base / "lib.db"
    with Store(lib_path) as lib:
        kaggle_library_read_this_week(lib, ["qcd", "[i]markup[/i] tag"])
        hostile = dict(
            arxiv_id="2101.00001", version=1, title=HOSTILE_TITLE,
            authors=["Zoë [b]Ångström[/b]", "李 明", "O'Brien"], abstract="Zeolitic frameworks. " * 40,
            categories=["cs.LG"], published="2021-01-04T00:00:00+00:00",
        )
        lib.upsert_arxiv(hostile, status="to-read")
        lib.upsert_arxiv(dict(hostile, version=3), status=None)  # a newer version: the ↑ marker
        lib.add_tags(["2101.00001"], ["hostile", "über"])
        lib.upsert_arxiv(dict(hostile, arxiv_id="2101.00002", title="Zeolitic " + "very long title " * 12,
                              authors=[f"Author {n}" for n in range(9)]), status="reading")
    home = base / "home"
    home.mkdir()
    shutil.copy(lib_path, home / "lib.db")  # for --db ~/lib.db
    damaged = base / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 3000)
    text_file = base / "notes.md"
    text_file.write_text("# not a library\n" * 200)
    folder = base / "folder"
    folder.mkdir()
    with Store(base / "xdg" / "readr" / "library.db"):  # the default library, for READR_DB unset
        pass
    bad_config = base / "bad.toml"
    bad_config.write_text("week_start = [unterminated\n")
    return {
        "lib": str(lib_path), "home": str(home), "damaged": str(damaged), "text": str(text_file),
        "dir": str(folder), "bad_config": str(bad_config), "base": str(base),
    }


def _env(files, extra: dict | None = None) -> dict:
    env = dict(os.environ, READR_DB=files["lib"], HOME=files["home"])
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.pop("_READR_COMPLETE", None)
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value.format(**files)
    return env


def _run(command: list[str], env: dict, **kwargs) -> tuple[int, bytes, bytes]:
    result = subprocess.run(command, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=120, **kwargs)
    return result.returncode, result.stdout, result.stderr


def run_both(argv: list[str], env: dict) -> tuple[tuple, tuple]:
    """(as users run it, through the Typer app) for one command line, run side by side."""
    with ThreadPoolExecutor(2) as pool:
        users = pool.submit(_run, [sys.executable, "-m", "readr", *argv], env)
        typer = pool.submit(_run, [sys.executable, "-c", TYPER, *argv], env)
        return users.result(), typer.result()


# (id, argv, whether readr.cli.fast runs it, extra environment, text stdout or stderr must show)
CASES = [
    ("words", ["search", "diphoton"], True, {}, "0704.0001"),
    ("no-words", ["search"], True, {}, "0704.0001"),
    ("empty-word", ["search", ""], True, {}, "0704.0001"),
    ("-n", ["search", "-n", "3", "quantum"], True, {}, "catalogue"),
    ("--limit", ["search", "--limit", "3", "quantum"], True, {}, "catalogue"),
    ("--limit=", ["search", "--limit=3", "quantum"], True, {}, "catalogue"),
    ("option-after-words", ["search", "quantum", "-n", "2"], True, {}, "catalogue"),
    ("option-between-words", ["search", "quantum", "--json", "year:2007"], True, {}, '"match"'),
    ("-r", ["search", "-r", "summary"], True, {}, "read"),
    ("--reading-list", ["search", "--reading-list", "zeolitic"], True, {}, "2101.00001"),
    ("--json", ["search", "--json", "diphoton"], True, {}, '"rank"'),
    ("all-options", ["search", "--json", "-n", "1", "-r", "takeaway"], True, {}, '"id"'),
    ("limit-max", ["search", "-n", "10000", "the"], True, {}, "0704"),
    ("limit-leading-zeros", ["search", "-n", "007", "quantum"], True, {}, "catalogue"),
    ("limit-min", ["search", "--limit=1", "quantum"], True, {}, "catalogue"),
    ("tag-filter", ["search", "tag:qcd"], True, {}, "0704.0001"),
    ("status-filter", ["search", "status:read"], True, {}, "0704.0002"),
    ("hostile-title", ["search", "markup"], True, {}, "[bold red]Markup"),
    ("hostile-title-json", ["search", "--json", "smile"], True, {}, "[link=https://evil.example]"),
    ("hostile-tag", ["search", "tag:hostile"], True, {}, "2101.00001"),
    ("unicode-word", ["search", "量子コンピュータ"], True, {}, "2101.00001"),
    ("unicode-word-2", ["search", "Ångström", "über"], True, {}, ""),
    ("long-title", ["search", "very", "long", "title"], True, {}, "2101.00002"),
    ("no-results", ["search", "zzzznotfoundzzzz"], True, {}, "no papers"),
    ("query-error-year", ["search", "year:abc"], True, {}, "readr: error: year:abc"),
    ("query-error-status", ["search", "status:bogus"], True, {}, "readr: error: status:bogus"),
    ("query-error-unknown-filter", ["search", "bogus:x"], True, {}, "readr: error: bogus:x is not a filter"),
    ("query-error-empty-filter", ["search", "tag:"], True, {}, "readr: error: tag: needs a value"),
    ("symbol-term", ["search", "C++"], True, {}, "no papers"),
    ("more-than-shown", ["search", "-n", "2", "quantum"], True, {}, "showing 2 of "),
    ("--db", ["--db", "{lib}", "search", "quantum"], True, {"READR_DB": None}, "catalogue"),
    ("--db=", ["--db={lib}", "search", "--json", "quantum"], True, {"READR_DB": None}, '"id"'),
    ("--db-tilde", ["--db", "~/lib.db", "search", "diphoton"], True, {"READR_DB": None}, "0704.0001"),
    ("READR_DB-tilde", ["search", "diphoton"], True, {"READR_DB": "~/lib.db"}, "0704.0001"),
    ("default-library", ["search", "x"], True, {"READR_DB": None, "XDG_DATA_HOME": "{base}/xdg"}, "no papers"),
    ("damaged-library", ["--db", "{damaged}", "search", "x"], True, {}, "is damaged or is not a readr library"),
    ("damaged-library-json", ["--db", "{damaged}", "search", "--json", "x"], True, {}, "readr check"),
    ("damaged-library-tui", ["--db", "{damaged}"], True, {}, "is damaged or is not a readr library"),
    ("not-a-library", ["--db", "{text}", "search", "x"], True, {}, "is damaged or is not a readr library"),
    ("not-a-library-READR_DB", ["search", "x"], True, {"READR_DB": "{text}"}, "notes.md"),
    ("db-in-missing-folder", ["--db", "{dir}/missing/x.db", "search", "x"], True, {}, "folder"),
    ("db-in-missing-folder-tui", ["--db", "{dir}/missing/x.db"], True, {}, "does not exist"),
    ("bad-config", ["search", "quantum"], True, {"READR_CONFIG": "{bad_config}"}, "readr: error:"),
    ("list", ["list"], True, {}, "0704.0002"),
    ("list-json", ["list", "--json"], True, {}, '"id"'),
    ("list-statuses", ["list", "-s", "read", "--status=to-read", "--status", "Reading"], True, {}, "2101.00002"),
    ("list-tag", ["list", "--tag", "hostile"], True, {}, "2101.00001"),
    ("list-tag=", ["list", "--tag=qcd", "--json"], True, {}, "0704.0001"),
    ("list-catalogue", ["list", "--catalogue", "-n", "3", "--sort", "title"], True, {}, "showing 3 of"),
    ("list-sort=", ["list", "--sort=published", "--limit=2"], True, {}, "showing 2 of"),
    ("list-hostile", ["list", "-t", "hostile", "--json"], True, {}, "[link=https://evil.example]"),
    ("list-unknown-status", ["list", "-s", "nonsense"], True, {}, "readr: error:"),
    ("list-unknown-tag", ["list", "-t", "nothing-has-this"], True, {}, "no papers"),
    ("list-db", ["--db", "{lib}", "list", "-n", "1"], True, {"READR_DB": None}, "showing 1 of"),
    ("list-damaged", ["--db", "{damaged}", "list"], True, {}, "is damaged or is not a readr library"),
    # -- the Typer app's: the fast path must not take these ---------------------------------------
    ("--help", ["--help"], False, {}, "Usage: readr"),
    ("-h", ["-h"], False, {}, "Usage: readr"),
    ("search--help", ["search", "--help"], False, {}, "Usage: readr search"),
    ("search-h-after-words", ["search", "quantum", "-h"], False, {}, "Usage: readr search"),
    ("--db-then-help", ["--db", "{lib}", "--help"], False, {}, "Usage: readr"),
    ("unknown-option", ["search", "-x", "quantum"], False, {}, "No such option"),
    ("unknown-long-option", ["search", "quantum", "--bogus"], False, {}, "No such option"),
    ("negative-looking-word", ["search", "quantum", "-5"], False, {}, "No such option"),
    ("limit-0", ["search", "--limit", "0", "quantum"], False, {}, "--limit"),
    ("limit-over-max", ["search", "-n", "10001", "quantum"], False, {}, "--limit"),
    ("limit-negative", ["search", "-n", "-1", "quantum"], False, {}, "--limit"),
    ("limit-abc", ["search", "--limit", "abc", "quantum"], False, {}, "--limit"),
    ("limit-empty", ["search", "--limit=", "quantum"], False, {}, "--limit"),
    ("limit-float", ["search", "-n", "2.0", "quantum"], False, {}, "catalogue"),
    ("limit-unicode-digit", ["search", "-n", "٣", "quantum"], False, {}, "--limit"),
    ("limit-missing", ["search", "-n"], False, {}, "requires an argument"),
    ("limit-missing-long", ["search", "quantum", "--limit"], False, {}, "requires an argument"),
    ("limit-eaten-option", ["search", "-n", "--json"], False, {}, "--limit"),
    ("attached-short", ["search", "-n5", "quantum"], False, {}, "catalogue"),
    ("combined-short", ["search", "-rn", "2", "summary"], False, {}, "read"),
    ("short-equals", ["search", "-n=5", "quantum"], False, {}, "--limit"),
    ("repeated-limit", ["search", "-n", "1", "--limit", "2", "quantum"], False, {}, "catalogue"),
    ("repeated-flag", ["search", "--json", "--json", "diphoton"], False, {}, '"id"'),
    ("json-with-value", ["search", "--json=1", "x"], False, {}, "does not take a value"),
    ("flag-with-value", ["search", "--reading-list=yes", "x"], False, {}, "does not take a value"),
    ("double-dash", ["search", "--", "-x"], False, {}, "catalogue"),
    ("double-dash-after-words", ["search", "quantum", "--", "--json"], False, {}, "no papers"),
    ("dash-word", ["search", "-", "quantum"], False, {}, ""),
    ("db-missing-value", ["--db"], False, {}, "requires an argument"),
    ("db-empty", ["--db=", "search", "x"], False, {}, ""),
    ("db-directory", ["--db", "{dir}", "search", "x"], False, {}, "is a folder"),
    ("db-directory-tui", ["--db", "{dir}"], False, {}, "is a folder"),
    ("db-repeated", ["--db", "{lib}", "--db", "{lib}", "search", "quantum"], False, {}, "catalogue"),
    ("db-after-command", ["search", "--db", "{lib}", "quantum"], False, {}, "No such option"),
    ("option-before-command", ["-n", "5", "search", "x"], False, {}, "No such option"),
    ("json-before-command", ["--json", "search", "x"], False, {}, "No such option"),
    ("other-command", ["show", "--json", "0704.0001"], False, {}, '"id"'),
    ("list-relevance", ["list", "--sort", "relevance", "-n", "2"], False, {}, ""),
    ("list-unknown-sort", ["list", "--sort", "bogus"], False, {}, "unknown order"),
    ("list-limit-0", ["list", "-n", "0"], False, {}, "--limit"),
    ("list-repeated-tag", ["list", "-t", "a", "-t", "qcd"], False, {}, ""),
    ("list-words", ["list", "quantum"], False, {}, "unexpected extra argument"),
    ("list-reading-list", ["list", "-r"], False, {}, "No such option"),
    ("list-status-missing", ["list", "--status"], False, {}, "requires an argument"),
    ("list-catalogue-value", ["list", "--catalogue=yes"], False, {}, "does not take a value"),
    ("show", ["show", "0704.0001"], False, {}, "0704.0001"),
    ("unknown-command", ["serch", "x"], False, {}, "No such command"),
    ("command-case", ["SEARCH", "x"], False, {}, "No such command"),
    ("demo-help", ["demo", "--help"], False, {}, "Usage: readr demo"),
    ("completion", ["search"], False,
     {"_READR_COMPLETE": "bash_complete", "COMP_WORDS": "readr se", "COMP_CWORD": "1"}, ""),
]


@pytest.mark.parametrize("name, argv, handled, extra, expect", CASES, ids=[case[0] for case in CASES])
def test_fast_path_matches_typer(files, monkeypatch, name, argv, handled, extra, expect):
    argv = [arg.format(**files) for arg in argv]
    env = _env(files, extra)
    with monkeypatch.context() as patch:
        patch.setattr(os, "environ", env)  # parse() sees the subprocess's environment (_READR_COMPLETE)
        taken = fast.parse(argv) is not None
    assert taken == handled, f"readr.cli.fast should {'' if handled else 'not '}take {argv}"
    users, typer = run_both(argv, env)
    assert users == typer, name
    code, out, err = users
    assert expect.encode() in out + err, (name, code, out[-500:], err[-500:])
    assert b"Traceback" not in err
    assert b"\x1b" not in out + err  # a pipe gets no escape sequences, from Rich or from a title


def test_corpus_covers_both_paths_and_all_spellings():
    spellings = {arg for _, argv, handled, _, _ in CASES if handled for arg in argv if arg.startswith("-")}
    assert {"-n", "--limit", "-r", "--reading-list", "--json", "--db"} <= spellings
    assert any(arg.startswith("--limit=") for arg in spellings) and any(arg.startswith("--db=") for arg in spellings)
    assert sum(1 for case in CASES if case[2]) >= 30 and sum(1 for case in CASES if not case[2]) >= 30


def test_fast_parser_knows_exactly_the_typer_options():
    """If `search` or the root group gains an option, readr.cli.fast must learn it (or refuse it)."""
    import typer.main

    from readr.cli import actions, app

    group = typer.main.get_command(app)
    assert [(p.name, p.opts, p.secondary_opts, p.envvar) for p in group.params] == [("db", ["--db"], [], None)]
    search = group.commands["search"]
    params = {p.name: p for p in search.params}
    assert {name: (sorted(p.opts), p.secondary_opts, p.envvar, p.multiple) for name, p in params.items()} == {
        "words": (["words"], [], None, False),
        "limit": (["--limit", "-n"], [], None, False),
        "reading_list": (["--reading-list", "-r"], [], None, False),
        "as_json": (["--json"], [], None, False),
    }
    assert params["words"].nargs == -1 and params["reading_list"].is_flag and params["as_json"].is_flag
    limit = params["limit"]
    expected = (actions.SEARCH_LIMIT, actions.SEARCH_LIMIT_MIN, actions.SEARCH_LIMIT_MAX)
    assert (limit.default, limit.min, limit.max) == expected
    assert fast.Plan("search").limit == actions.SEARCH_LIMIT
    listing = {p.name: p for p in group.commands["list"].params}
    assert {name: (sorted(p.opts), p.secondary_opts, p.envvar, p.multiple) for name, p in listing.items()} == {
        "status": (["--status", "-s"], [], None, True),
        "tag": (["--tag", "-t"], [], None, False),
        "catalogue": (["--catalogue"], [], None, False),
        "limit": (["--limit", "-n"], [], None, False),
        "sort": (["--sort"], [], None, False),
        "as_json": (["--json"], [], None, False),
    }
    assert (listing["limit"].default, listing["limit"].min, listing["limit"].max) == (
        actions.LIST_LIMIT, actions.LIST_LIMIT_MIN, None)
    assert listing["sort"].default == "added" and set(actions.LIST_ORDERS) == {"added", "published", "title"}


def test_parse_tui_shapes(tmp_path):
    assert fast.parse([]) == fast.Plan("tui")
    assert fast.parse(["--db", "x.db"]) == fast.Plan("tui", db=Path("x.db"))
    assert fast.parse(["--db=~/x.db"]) == fast.Plan("tui", db=Path("~/x.db"))
    assert fast.parse(["--db", str(tmp_path)]) is None  # a directory: Typer's error
    for argv in (["-h"], ["--db"], ["--db", "x", "-h"], ["--db", "-h"], ["demo"], ["--db", "x", "--db", "y"]):
        assert fast.parse(argv) is None, argv
    plan = fast.parse(["--db", "x", "search", "a", "-r", "b", "--limit=7", "--json", "c"])
    assert plan == fast.Plan("search", db=Path("x"), words=["a", "b", "c"], limit=7, reading_list=True, as_json=True)


@pytest.mark.parametrize("columns", ["20", "39", "61", "100", "181"])
@pytest.mark.parametrize("argv", [["search", "zeolitic"], ["search", "-n", "20", "quantum"], ["list", "--catalogue"]],
                         ids=["hostile", "plain", "list"])
def test_lines_are_identical_at_every_width_in_a_pipe(files, columns, argv):
    """Piped, papers are plain lines of six tab-separated columns, whatever the terminal's width."""
    users, typer = run_both(argv, _env(files, {"COLUMNS": columns}))
    assert users == typer
    assert users[0] == 0
    lines = users[1].decode().splitlines()
    assert lines and all(len(line.split("\t")) == 6 for line in lines)


def _run_in_pty(command: list[str], env: dict, columns: int) -> tuple[int, bytes, bytes]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    err = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=120), b"".join(chunks), err


@pytest.mark.parametrize("columns", [30, 80, 150])
@pytest.mark.parametrize("argv", [["search", "zeolitic"], ["search", "nothing-matches-this"], ["list", "--catalogue"]],
                         ids=["hits", "none", "list"])
def test_table_is_identical_on_a_terminal(files, columns, argv):
    env = _env(files, {"TERM": "xterm-256color", "NO_COLOR": None, "FORCE_COLOR": None})
    with ThreadPoolExecutor(2) as pool:
        users = pool.submit(_run_in_pty, [sys.executable, "-m", "readr", *argv], env, columns)
        typer = pool.submit(_run_in_pty, [sys.executable, "-c", TYPER, *argv], env, columns)
        users, typer = users.result(), typer.result()
    assert users == typer
    if argv[1] != "nothing-matches-this":
        assert b"\x1b[1m" in users[1]  # a real terminal: a bold header


@pytest.mark.parametrize("argv, stream, read, expected", [
    # the reader leaves during a long output: exit 1, quiet (click's PacifyFlushWrapper)
    (["search", "--json", "-n", "10000", ""], "stdout", 100, (1, b"")),
    # the reader is gone before the first byte of a table: Rich exits 1 quietly
    (["search", "-n", "1", "quantum"], "stdout", 0, (1, b"")),
    # "no papers" to a closed stderr
    (["search", "zzzznotfoundzzzz"], "stderr", 0, (1, b"")),
    # a short JSON output stays in the buffer until Python's exit: its own "Exception ignored", exit 120
    (["search", "--json", "-n", "1", "quantum"], "stdout", 0, None),
], ids=["long-json", "short-table", "stderr", "short-json"])
def test_closed_pipe_ends_as_typer_does(files, argv, stream, read, expected):
    """`readr search ... | head -c 100` and the like: the same exit code and messages on both paths."""
    env = _env(files)
    env.pop("PYTHONUNBUFFERED", None)  # unbuffered stdout drops a partial write instead of failing
    outcomes = []
    for command in ([sys.executable, "-m", "readr"], [sys.executable, "-c", TYPER]):
        read_end, write_end = os.pipe()
        if not read:
            os.close(read_end)
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: write_end}
        process = subprocess.Popen([*command, *argv], env=env, stdin=subprocess.DEVNULL, **pipes)
        os.close(write_end)
        if read:
            assert os.read(read_end, read)
            os.close(read_end)
        other = process.stderr if stream == "stdout" else process.stdout
        text = other.read()
        other.close()
        outcomes.append((process.wait(timeout=120), text))
    assert outcomes[0] == outcomes[1]
    if expected is not None:
        assert outcomes[0] == expected
    else:
        assert outcomes[0][0] == 120 and b"BrokenPipeError" in outcomes[0][1]


def test_interrupt_exits_130_quietly_as_typer_does(files, tmp_path):
    """Ctrl-C while `readr search` runs: exit 130 and no output, whichever path ran it. An audit hook
    (from a sitecustomize on PYTHONPATH) holds the command where it opens the library, until the signal."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys, time\n"
        "def hold(event, args, _seen=[]):\n"
        "    if event == 'sqlite3.connect' and 'search' in sys.argv and not _seen:\n"
        "        _seen.append(1)\n"
        "        sys.stderr.write('OPENING\\n'); sys.stderr.flush()\n"
        "        time.sleep(60)\n"
        "sys.addaudithook(hold)\n"
    )
    env = _env(files, {"PYTHONPATH": str(hook)})
    outcomes = []
    for command in ([sys.executable, "-m", "readr"], [sys.executable, "-c", TYPER]):
        process = popen_with_ctrl_c([*command, "search", "quantum"], env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stderr.readline() == b"OPENING\n"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        outcomes.append((process.returncode, out, err))
    assert outcomes[0] == outcomes[1] == (130, b"", b"")
