"""The CLI as a new user meets it: help texts, errors, adding, dates, digests, the editor, Ctrl-C,
the demo (issue 11, "The CLI")."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

import pytest

from readr.store import Store
from tests.conftest import make_record


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- help and usage errors -----------------------------------------------------------------------


def _command_names(cli) -> list[str]:
    from readr.cli import app
    from typer.main import get_command

    return sorted(get_command(app).commands)


def test_help_of_every_command_names_values_not_python_types(cli):
    names = _command_names(cli)
    assert {"add", "export", "takeaways", "list", "note"} <= set(names)
    for name in [None, *names]:
        result = cli(*([name] if name else []), "--help")
        assert result.exit_code == 0, (name, result.output)
        types = re.findall(r"<(?:bool|str|int|float|path|list\[[a-z]+\]|[a-z]+ range)>", result.output)
        assert not types, (name, types)
    add_help = cli("add", "--help").output
    assert re.search(r"--title\s+TITLE", add_help)
    assert re.search(r"--inbox\s+Put new papers in the inbox", add_help)  # a flag: no value column
    assert re.search(r"--limit\s+-n\s+N\b", cli("list", "--help").output)


def test_usage_lines_and_summaries_read_cleanly(cli):
    for name in _command_names(cli):
        result = cli(name, "--help")
        usage = next(line for line in result.output.splitlines() if "Usage:" in line)
        # An optional or repeated value is bracketed and dotted once: [PATH], [ID]..., {TAG}...
        assert "[[" not in usage and "...]" not in usage and "...}" not in usage, (name, usage)
    from readr.cli import app
    from typer.main import get_command

    for name, command in get_command(app).commands.items():  # `readr --help` lists these lines
        summary = (command.help or "").strip().splitlines()[0]
        assert summary.endswith((".", ")")), (name, summary)


def test_usage_errors_point_at_the_subcommands_help(cli):
    result = cli("add")
    assert result.exit_code == 2
    assert "see readr add --help" in result.stderr
    assert "see readr list --help" in cli("list", "--bogus").stderr
    assert "see readr --help" in cli("nosuch").stderr


# --- readr demo ----------------------------------------------------------------------------------


@pytest.fixture
def demo_tmp(tmp_path, monkeypatch):
    """Temporary folders of this test go to a folder of its own, to see what is left behind."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_demo_deletes_its_sample_library_when_it_ends(cli, demo_tmp, monkeypatch):
    from readr.cli import actions

    opened = []

    def fake_tui(path, demo=False):
        opened.append(path)
        assert path.is_file() and demo  # the TUI gets a real sample library

    monkeypatch.setattr(actions, "open_tui", fake_tui)
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert opened and opened[0].parent.parent == demo_tmp
    assert "deleted when readr exits" in result.stderr
    assert list(demo_tmp.iterdir()) == []
    assert cli("demo", "--print").exit_code == 0
    assert list(demo_tmp.iterdir()) == []


def test_demo_deletes_its_sample_library_when_the_app_fails(cli, demo_tmp, monkeypatch):
    from readr.cli import actions
    from readr.errors import ReadrError

    def broken_tui(path, demo=False):
        (path.parent / "demo.files").mkdir()  # the app has written beside the library
        raise ReadrError("the terminal went away")

    monkeypatch.setattr(actions, "open_tui", broken_tui)
    result = cli("demo")
    assert result.exit_code == 1 and "the terminal went away" in result.stderr
    assert list(demo_tmp.iterdir()) == []


# --- the file handed to $EDITOR ------------------------------------------------------------------


@pytest.fixture
def appending_editor(tmp_path, monkeypatch):
    """An "editor" that keeps a copy of the file it was given and appends a line, as
    `echo ... >> FILE` does."""
    seen = tmp_path / "seen.md"
    script = tmp_path / "append-line"
    script.write_text(f'#!/bin/sh\ncp "$1" "{seen}"\necho "**Appended line.**" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    return seen


def test_note_edit_hands_a_file_with_a_final_newline(cli, db_path, appending_editor):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "A paper"))
        lib.set_summary("2101.00001", "First line.\n\nLast line.")
    assert cli("note", "2101.00001", "--edit").exit_code == 0
    assert appending_editor.read_text() == "First line.\n\nLast line.\n"
    summary = as_json(cli("show", "2101.00001", "--json"))["summary"]
    assert summary == "First line.\n\nLast line.\n**Appended line.**"
    assert cli("note", "2101.00001", "--edit").exit_code == 0  # again: one line more, no blank lines
    summary = as_json(cli("show", "2101.00001", "--json"))["summary"]
    assert summary == "First line.\n\nLast line.\n**Appended line.**\n**Appended line.**"


def test_tui_external_editor_hands_a_file_with_a_final_newline(db_path, appending_editor):
    from readr.summaries import edit_summary_in_editor

    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "A paper"))
        lib.set_summary("2101.00001", "Only line.")
        saved = edit_summary_in_editor(lib, "2101.00001")
        assert appending_editor.read_text() == "Only line.\n"
        assert saved.summary == "Only line.\n**Appended line.**"
        assert lib.get("2101.00001").summary == "Only line.\n**Appended line.**"
        assert lib.get("2101.00001").takeaways == ["Appended line."]


# --- Ctrl-C in readr import ----------------------------------------------------------------------


def test_ctrl_c_in_import_says_which_files_were_imported(cli, db_path, tmp_path, monkeypatch):
    import readr.catalogue
    from tests.conftest import KAGGLE_SAMPLE

    lines = KAGGLE_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:5]), encoding="utf-8")
    second.write_text("".join(lines[5:10]), encoding="utf-8")
    real_import_file = readr.catalogue.import_file
    calls = []

    def import_then_ctrl_c(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_import_file(*args, **kwargs)

    monkeypatch.setattr(readr.catalogue, "import_file", import_then_ctrl_c)
    result = cli("import", "--no-progress", str(first), str(second))
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == "interrupted after 1 of 2 files were imported; the others were not"
    with Store(db_path) as lib:
        assert lib.find(json.loads(lines[0])["id"]) is not None
        assert lib.find(json.loads(lines[5])["id"]) is None


def test_ctrl_c_in_import_before_anything_was_written_says_nothing_changed(cli, tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={A title}, author={Ada Lovelace}, year={1843}}\n", encoding="utf-8")

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "import_bib_records", ctrl_c)
    result = cli("import", str(bib))
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == ["interrupted; nothing was changed"]


# --- dates the same everywhere -------------------------------------------------------------------


@pytest.fixture
def read_over_weeks(db_path, clock):
    """Today is Wednesday 2026-03-11 (its week: Monday 9 to Sunday 15). One paper read in each of
    this week (Monday), last week, and last month."""
    from datetime import date, datetime

    clock.fix(datetime(2026, 3, 11, 12, 0))
    with Store(db_path) as lib:
        for key, day in (("2101.00001", date(2026, 3, 9)), ("2101.00002", date(2026, 3, 3)),
                         ("2101.00003", date(2026, 2, 20))):
            lib.upsert_arxiv(make_record(key, f"Paper {key}"))
            lib.set_summary(key, f"About {key}. **Takeaway of {key}.**")
            lib.set_status([key], "read", on=day)
    return db_path


def _takeaway_keys(result) -> list[str]:
    return sorted(row["paper"] for row in as_json(result))


def _digest_keys(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return sorted(re.findall(r"abs/(2101\.\d+)", result.stdout))


def test_takeaways_and_export_take_the_same_weeks(cli, read_over_weeks):
    this, last, older = "2101.00001", "2101.00002", "2101.00003"
    assert _takeaway_keys(cli("takeaways", "--json")) == [this, last, older]  # no --week: all of them
    for args, expected in (
        ((), [this]), (("this",), [this]), (("today",), [this]), (("2026-03-15",), [this]),
        (("last",), [last]), (("2026-03-02",), [last]), (("2026-3-8",), [last]),
    ):
        assert _takeaway_keys(cli("takeaways", "--week", *args, "--json")) == expected, args
        assert _digest_keys(cli("export", "--week", *args)) == expected, args
        search = cli("search", "--json", f"week:{args[0] if args else 'this'}")
        assert sorted(p["id"] for p in as_json(search)) == expected, args
    assert _takeaway_keys(cli("takeaways", "last", "--json")) == [last]  # a WHEN alone is a week
    assert _takeaway_keys(cli("takeaways", "-w", "--tag", "none", "--json")) == []


def test_yesterday_on_a_monday_is_last_week(cli, read_over_weeks, clock):
    from datetime import datetime

    clock.fix(datetime(2026, 3, 16, 9, 0))  # Monday: yesterday ended the week of the 9th
    assert _takeaway_keys(cli("takeaways", "--week", "yesterday", "--json")) == ["2101.00001"]
    assert _digest_keys(cli("export", "--week", "yesterday")) == ["2101.00001"]
    assert _digest_keys(cli("export", "--week", "last")) == ["2101.00001"]


def test_takeaways_and_export_take_the_same_months(cli, read_over_weeks):
    march, february = ["2101.00001", "2101.00002"], ["2101.00003"]
    for args, expected in (((), march), (("this",), march), (("2026-03",), march), (("today",), march),
                           (("last",), february), (("2026-2",), february), (("2026-02-14",), february)):
        assert _takeaway_keys(cli("takeaways", "--month", *args, "--json")) == expected, args
        assert _digest_keys(cli("export", "--month", *args)) == expected, args


@pytest.mark.parametrize("command", ["takeaways", "export"])
def test_a_week_that_is_not_one_is_a_one_line_error(cli, read_over_weeks, command):
    result = cli(command, "--week", "someday")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "readr: error: 'someday' is not a week: use this, last, today, yesterday or a date (YYYY-MM-DD)"
    ]
    month = cli(command, "--month", "2026-13")
    assert month.exit_code == 1 and "is not a month" in month.stderr


def test_a_month_of_takeaways_is_the_months_digest(cli, db_path, clock):
    """A paper read on Tuesday 2026-03-31 belongs to the week that ends on Sunday 2026-04-05:
    the April digest, and so April's takeaways."""
    from datetime import date, datetime

    clock.fix(datetime(2026, 4, 8, 12, 0))
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "Read at the end of March"))
        lib.set_summary("2101.00001", "**Counted in April.**")
        lib.set_status(["2101.00001"], "read", on=date(2026, 3, 31))
    assert _digest_keys(cli("export", "--month", "2026-04")) == ["2101.00001"]
    assert _takeaway_keys(cli("takeaways", "--month", "--json")) == ["2101.00001"]
    assert _takeaway_keys(cli("takeaways", "--month", "last", "--json")) == []


# --- where a library may be created --------------------------------------------------------------


def _run_with_db(db: str, *args: str):
    from typer.testing import CliRunner

    from readr.cli import app

    return CliRunner().invoke(app, ["--db", db, *args])


def test_a_library_in_a_folder_that_does_not_exist_is_refused_and_nothing_is_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (("list",), ("search", "x"), ("add", "0704.0001"), ("check",)):
        result = _run_with_db("some/missing/folder/x.db", *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.strip().splitlines() == [
            "readr: error: no library at some/missing/folder/x.db (--db): the folder some/missing/folder "
            "does not exist; create it first to start a new library there"
        ]
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "some" / "missing" / "folder").mkdir(parents=True)
    assert _run_with_db("some/missing/folder/x.db", "list").exit_code == 0
    assert (tmp_path / "some" / "missing" / "folder" / "x.db").is_file()


def test_an_empty_or_folder_db_option_says_what_is_wrong(tmp_path):
    empty = _run_with_db("", "list")
    assert empty.exit_code == 1
    assert empty.stderr.strip().splitlines() == [
        "readr: error: --db is empty: name the library file, such as --db ~/papers/library.db"
    ]
    folder = _run_with_db(str(tmp_path), "list")
    assert folder.exit_code == 1
    assert f"is a folder: name the library file in it, such as {tmp_path / 'library.db'}" in folder.stderr


def test_readr_db_in_a_missing_folder_is_refused_but_the_default_folder_is_created(isolated_home, monkeypatch):
    from typer.testing import CliRunner

    from readr.cli import app

    monkeypatch.setenv("READR_DB", str(isolated_home / "nowhere" / "library.db"))
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 1 and "($READR_DB)" in result.stderr
    assert not (isolated_home / "nowhere").exists()
    monkeypatch.delenv("READR_DB")
    assert not (isolated_home / "data").exists()
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert (isolated_home / "data" / "readr" / "library.db").is_file()


# --- papers without a link in the digest ---------------------------------------------------------


def test_a_paper_without_a_link_is_a_bold_title_in_the_digest_and_the_takeaways(cli, db_path, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{knuth, title={Literate Programming}, author={Donald Knuth}, year={1984},"
                   " doi={10.1093/comjnl/27.2.97}}\n", encoding="utf-8")
    assert cli("import", str(bib)).exit_code == 0
    with Store(db_path) as lib:
        lib.add_local("pdf-0123456789ab", "A *local* PDF [draft]", authors=["Ada Lovelace"])
        knuth = next(p for p in lib.list_papers() if p.doi)
        for key in ("pdf-0123456789ab", knuth.key):
            lib.set_status([key], "read")
            lib.set_summary(key, f"Notes on {key}. **A takeaway.**")
    digest = cli("export", "--week")
    assert digest.exit_code == 0, digest.output
    assert "](<>)" not in digest.stdout
    assert "\n\n**A \\*local\\* PDF \\[draft\\]** Notes on pdf-0123456789ab. **A takeaway.**" in digest.stdout
    assert "[**Literate Programming**](https://doi.org/10.1093/comjnl/27.2.97) Notes on" in digest.stdout
    takeaways = cli("takeaways", "--week", "--markdown")
    assert takeaways.exit_code == 0, takeaways.output
    assert "<>" not in takeaways.stdout
    assert "- **A takeaway.** (A \\*local\\* PDF \\[draft\\])" in takeaways.stdout.splitlines()
    doi_line = "- **A takeaway.** ([Literate Programming](https://doi.org/10.1093/comjnl/27.2.97))"
    assert doi_line in takeaways.stdout.splitlines()


# --- images of a digest written to stdout --------------------------------------------------------


def test_export_to_stdout_links_library_images_by_their_path_and_says_how_to_publish(
    cli, db_path, tmp_path, monkeypatch
):
    from pathlib import Path
    from urllib.parse import unquote

    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "A paper with a figure"))
        figure = lib.data_dir / "figures" / "2101.00001" / "fig 1.png"
        figure.parent.mkdir(parents=True)
        figure.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
        elsewhere = tmp_path / "elsewhere.png"
        elsewhere.write_bytes(figure.read_bytes())
        lib.set_summary("2101.00001", "Nice. **Read it.**\n\n![Figure from page 2](figures/2101.00001/fig%201.png)\n\n"
                        "![remote](https://example.org/x.png) ![](missing.png)")
        lib.set_status(["2101.00001"], "read")
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(site)  # where the user redirects the page to
    result = cli("export", "--week")
    assert result.exit_code == 0, result.output
    [link] = re.findall(r"!\[Figure from page 2\]\(([^)]+)\)", result.stdout)
    assert Path(unquote(link)).is_absolute() and Path(unquote(link)).read_bytes() == figure.read_bytes()
    assert "![remote](https://example.org/x.png) ![](missing.png)" in result.stdout  # kept as written
    assert ("1 image linked by its path on this computer; to publish the page, export with -o FILE, "
            "which copies images to an assets folder beside it") in result.stderr
    published = cli("export", "--week", "-o", str(site / "digest.md"))
    assert published.exit_code == 0, published.output
    assert "![Figure from page 2](assets/fig%201.png)" in (site / "digest.md").read_text(encoding="utf-8")
    assert (site / "assets" / "fig 1.png").is_file()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_demo_deletes_its_sample_library_when_killed_or_its_terminal_closes(tmp_path, signum):
    """The real `readr demo` in a pseudo-terminal, ended by SIGTERM or SIGHUP (a closed terminal)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), TERM="xterm-256color", COLUMNS="100", LINES="30")
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "readr", "demo"], stdin=secondary, stdout=secondary,
                            stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    screen = b""
    try:
        deadline = time.monotonic() + 60
        while b"Catalogue" not in screen:  # the views bar: the TUI is up
            assert time.monotonic() < deadline, screen[-2000:]
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                screen += os.read(primary, 65536)
        assert [p.name.startswith("readr-demo-") for p in temp.iterdir()] == [True]
        proc.send_signal(signum)
        while proc.poll() is None:  # keep reading so the app never blocks on a full terminal
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    os.read(primary, 65536)
                except OSError:
                    break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    assert list(temp.iterdir()) == []
