"""CLI commands over the local library, through Typer's CliRunner."""

from __future__ import annotations

import json
import sys

import pytest

from readr.store import Store
from tests.conftest import make_record


@pytest.fixture
def lib(db_path):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "Graph sparsity [bold]x[/bold]", authors=["Ileana Streinu"]))
        lib.upsert_arxiv(make_record("hep-th/9901001", "Old style strings", categories=["hep-th"]))
        lib.upsert_arxiv(make_record("2101.00003", "Catalogue only"), status=None)
    return db_path


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_has_the_documented_fields(cli, lib):
    data = as_json(cli("list", "--json"))
    assert {p["id"] for p in data} == {"2101.00001", "hep-th/9901001"}
    for key in ("id", "version", "title", "authors", "abstract", "status", "tags", "added_at", "read_at", "summary",
                "takeaways"):
        assert key in data[0]
    assert isinstance(data[0]["tags"], list)


def test_note_tag_read_show_roundtrip(cli, lib):
    assert cli("note", "2101.00001", "Pebble games. **Use this for sparsity.**").exit_code == 0
    assert cli("tag", "2101.00001", "graphs", "To-Discuss").exit_code == 0
    assert cli("read", "2101.00001", "--on", "2024-05-08").exit_code == 0
    paper = as_json(cli("show", "arXiv:2101.00001v1", "--json"))
    assert paper["summary"] == "Pebble games. **Use this for sparsity.**"
    assert paper["takeaways"] == ["Use this for sparsity."]
    assert paper["tags"] == ["graphs", "To-Discuss"]
    assert paper["status"] == "read" and paper["read_at"].startswith("2024-05-08")
    assert cli("untag", "2101.00001", "graphs").exit_code == 0
    assert as_json(cli("show", "2101.00001", "--json"))["tags"] == ["To-Discuss"]


def test_note_from_stdin_and_file(cli, lib, tmp_path):
    assert cli("note", "2101.00001", "-", input="From **stdin**.\n").exit_code == 0
    assert as_json(cli("show", "2101.00001", "--json"))["takeaways"] == ["stdin"]
    path = tmp_path / "s.md"
    path.write_text("From a **file**.", encoding="utf-8")
    assert cli("note", "2101.00001", "--file", str(path)).exit_code == 0
    assert as_json(cli("show", "2101.00001", "--json"))["summary"] == "From a **file**."
    path.write_bytes(b"\xff\xfe not utf8")
    result = cli("note", "2101.00001", "--file", str(path))
    assert result.exit_code == 1 and "not UTF-8" in result.stderr


def test_note_with_editor(cli, lib, tmp_path, monkeypatch):
    script = tmp_path / "fake-editor"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'a').write('Edited **in editor**.')\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    assert cli("note", "2101.00001", "--edit").exit_code == 0
    assert as_json(cli("show", "2101.00001", "--json"))["takeaways"] == ["in editor"]


def test_status_and_rm(cli, lib):
    assert cli("status", "reading", "2101.00001").exit_code == 0
    assert as_json(cli("list", "--status", "reading", "--json"))[0]["id"] == "2101.00001"
    result = cli("rm", "2101.00001", input="n\n")
    assert result.exit_code == 1
    assert cli("show", "2101.00001").exit_code == 0
    assert cli("rm", "2101.00001", input="y\n").exit_code == 0
    assert cli("show", "2101.00001").exit_code == 1
    assert cli("rm", "--yes", "hep-th/9901001").exit_code == 0


def test_search_json_and_filters(cli, lib):
    assert [p["id"] for p in as_json(cli("search", "--json", "sparsity"))] == ["2101.00001"]
    assert [p["id"] for p in as_json(cli("search", "--json", "catalogue"))] == ["2101.00003"]
    assert as_json(cli("search", "--json", "--reading-list", "catalogue")) == []
    assert [p["id"] for p in as_json(cli("search", "--json", "cat:hep-th"))] == ["hep-th/9901001"]


@pytest.mark.parametrize("text", ['"', "-", "AND", "C++", "arXiv:2401.00001", "*", ""])
def test_search_never_surfaces_sql_errors(cli, lib, text):
    result = cli("search", "--json", "--", text)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "9999.99999"], "no paper"),
        (["status", "done", "2101.00001"], "not a status"),
        (["read", "2101.00001", "--on", "yesterdayish"], "not a date"),
        (["search", "year:abc"], "not a year"),
        (["tag", "2101.00001", " "], "cannot be empty"),
        (["list", "--bogus"], "No such option"),
    ],
)
def test_user_errors_are_one_line_without_traceback(cli, lib, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_untrusted_text_is_printed_literally_without_control_characters(cli, db_path):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00009", "[red]x[/red] \x1b]52;c;ZXZpbA==\x07 [/]"))
        # Bypass the store's cleaning to prove the output side cleans too.
        with lib.write() as conn:
            conn.execute("UPDATE papers SET abstract = 'bell\x07 esc\x1b[2J' WHERE key = '2101.00009'")
    for args in (["list"], ["show", "2101.00009"], ["search", "red"], ["show", "--json", "2101.00009"]):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    shown = cli("show", "2101.00009").stdout
    assert "[red]x[/red]" in shown and "[/]" in shown


def test_db_option_env_and_default_location(tmp_path, monkeypatch, isolated_home):
    from typer.testing import CliRunner

    from readr.cli import app

    runner = CliRunner()
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("READR_DB", str(env_db))
    runner.invoke(app, ["list"])
    assert env_db.exists()
    monkeypatch.delenv("READR_DB")
    runner.invoke(app, ["list"])
    assert (isolated_home / "data" / "readr" / "library.db").exists()


def test_demo_print_builds_the_sample_library(cli):
    result = cli("demo", "--print")
    assert result.exit_code == 0, result.output
    assert "readr demo" in result.stdout
