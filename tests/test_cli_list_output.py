"""What `readr list` writes: plain tab-separated lines to a pipe, a JSON array written as the papers
come, and a table laid out once on a terminal (the real program in a pseudo-terminal)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readr.cli.output import LINE_COLUMNS, cell_width, stream_json
from readr.store import Store
from tests.conftest import make_record

LONG_TITLE = "A very long title about " + "sparse graphs and pebble games " * 8


@pytest.fixture
def lib(db_path):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "Graph sparsity [bold]x[/bold]",
                                     authors=["Ileana Streinu", "Audrey Lee", "Louis Theran"]))
        lib.upsert_arxiv(make_record("hep-th/9901001", LONG_TITLE, categories=["hep-th"], authors=["李 明"]))
        lib.upsert_arxiv(make_record("2101.00003", "Catalogue only"), status=None)
        lib.add_tags(["2101.00001"], ["graphs", "to-discuss"])
        lib.set_status(["hep-th/9901001"], "read")
    return db_path


def test_piped_list_is_one_tab_separated_line_a_paper(cli, lib):
    result = cli("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [line.split("\t") for line in lines]
    assert LINE_COLUMNS == ("id", "status", "date", "title", "authors", "tags")
    assert all(len(row) == len(LINE_COLUMNS) for row in rows)
    with Store(lib) as store:
        papers = store.list_papers()
    assert [row[0] for row in rows] == [p.key for p in papers]  # the list's order, newest first
    by_id = {row[0]: dict(zip(LINE_COLUMNS, row)) for row in rows}
    added = next(p for p in papers if p.key == "2101.00001").added_at
    assert by_id["2101.00001"] == {
        "id": "2101.00001", "status": "to-read", "date": added[:10], "title": "Graph sparsity [bold]x[/bold]",
        "authors": "Ileana Streinu, Audrey Lee, Louis Theran", "tags": "graphs, to-discuss",
    }
    read = by_id["hep-th/9901001"]
    assert (read["status"], read["title"], read["authors"], read["tags"]) == ("read", LONG_TITLE.strip(), "李 明", "")
    assert read["date"] == next(p for p in papers if p.key == "hep-th/9901001").read_at[:10]
    assert "\x1b" not in result.stdout


def test_piped_list_with_the_catalogue_and_a_limit(cli, lib):
    result = cli("list", "--catalogue", "-n", "2", "--sort", "title")
    lines = result.stdout.splitlines()
    assert [line.split("\t")[3] for line in lines] == ["A very long title about " + LONG_TITLE[24:].strip(),
                                                        "Catalogue only"]
    assert "showing 2 of 3" in result.stderr


def test_list_json_is_an_array_one_paper_a_line(cli, lib):
    result = cli("list", "--json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert all(json.loads(line.rstrip(",")) for line in lines[1:-1])
    with Store(lib) as store:
        expected = [p.to_json() for p in store.list_papers()]
    assert json.loads(result.stdout) == expected


def test_list_json_of_nothing_is_an_empty_array(cli, lib):
    result = cli("list", "--json", "--tag", "nothing-has-this")
    assert result.stdout == "[]\n"


def test_json_is_written_as_the_objects_come(capsys):
    """stream_json holds at most a batch of 100 objects: the ones before are on stdout already."""
    written = []

    def objects():
        for number in range(250):
            if number % 50 == 0:
                written.append(capsys.readouterr().out)
                assert "".join(written).count('"n"') >= number - 100, number
            yield {"n": number, "text": "tab\there \x1b[31m \x9b"}

    stream_json(objects())
    out = "".join(written) + capsys.readouterr().out
    assert [obj["n"] for obj in json.loads(out)] == list(range(250))
    assert out.count("\n") == 252  # "[", one line an object, "]"
    assert "\x1b" not in out and "\\u001b" not in out and "\x9b" not in out  # control characters removed


def test_iter_papers_reads_in_batches_what_list_papers_returns(lib):
    with Store(lib) as store:
        whole = store.list_papers(include_catalogue=True)
        assert list(store.iter_papers(include_catalogue=True, batch=1)) == whole
        brief = list(store.iter_brief_papers(include_catalogue=True, batch=2))
    shown = ("id", "key", "arxiv_id", "latest_version", "read_version", "title", "authors", "published", "url",
             "source", "status", "added_at", "read_at", "tags", "newer_version_available")
    assert [[getattr(p, name) for name in shown] for p in brief] == [
        [getattr(p, name) for name in shown] for p in whole]


def _run_in_pty(argv: list[str], env: dict, columns: int) -> tuple[int, str]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "readr", *argv], env=env, stdin=subprocess.DEVNULL,
                               stdout=slave, stderr=subprocess.PIPE)
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
    process.stderr.close()
    return process.wait(timeout=120), b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 100, 160])
def test_the_table_on_a_terminal(lib, columns):
    env = dict(os.environ, READR_DB=str(lib), TERM="xterm-256color")
    env.pop("COLUMNS", None)
    code, out = _run_in_pty(["list", "--catalogue"], env, columns)
    assert code == 0
    header, *rows = out.rstrip("\n").split("\n")
    assert header.startswith("\x1b[1m") and header.endswith("\x1b[0m")  # bold
    names = header[4:-4].split()
    assert names[:3] == ["id", "status", "title"] and names[-1] == "date"  # narrow: authors and tags cut
    if columns >= 100:
        assert names == ["id", "status", "title", "authors", "tags", "date"]
    assert len(rows) == 3  # one line a paper, long titles cut rather than wrapped
    assert all(cell_width(row) <= columns for row in rows)
    long = next(row for row in rows if "hep-th/9901001" in row)
    assert "…" in long and "李" in long and "read" in long
    assert next(row for row in rows if "2101.00001" in row).split()[:2] == ["2101.00001", "to-read"]
    assert ("Ileana Streinu et al." in out) == (columns >= 160)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "authors", "n"]), st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0xA0), max_size=8),
    st.lists(st.text(alphabet=st.characters(max_codepoint=0xA0), max_size=4), max_size=3),
    st.none(), st.integers())))
def test_streamed_json_is_cleaned_as_echo_json_cleans(value):
    """stream_json skips the cleaning walk when a dump shows nothing to clean: same bytes either way."""
    assert _streamed(value) == _cleaned_array(value)


def _streamed(value) -> str:
    """What stream_json writes for [value] (capsys cannot serve hypothesis's repeated examples)."""
    import io
    import sys

    buffer, stdout = io.StringIO(), sys.stdout
    sys.stdout = buffer
    try:
        stream_json([value])
    finally:
        sys.stdout = stdout
    return buffer.getvalue()


def _cleaned_array(value) -> str:
    from readr.cli import output

    return "[\n" + json.dumps(output._clean_json(value), ensure_ascii=False) + "\n]\n"


# Stored text the store's own cleaning never wrote (an older readr, a hand-edited file): the
# output side cleans it in every form, whatever the shortcuts it takes for clean rows.
DIRTY = {
    "2101.00001": ("Escape \x1b]0;pwned\x07 and  a run", ["Mal\x1b[31mlory", " Edge "], "bad\x9btag"),
    "hep-th/9901001": ("Tab\there | and a\r\nbreak \x7f", ["Ann\u00a0Lee"], "x|y"),
}


@pytest.fixture
def dirty_lib(lib):
    with Store(lib) as store, store.write() as conn:
        for key, (title, authors, tag) in DIRTY.items():
            conn.execute("UPDATE papers SET title = ?, authors = ? WHERE key = ?",
                         (title, json.dumps(authors), key))
            conn.execute("INSERT INTO tags (name) VALUES (?)", (tag,))
            conn.execute("INSERT INTO paper_tags (paper_id, tag_id) SELECT p.id, t.id FROM papers p, tags t "
                         "WHERE p.key = ? AND t.name = ?", (key, tag))
    return lib


def _controls(text: str) -> list[str]:
    return [c for c in text if c not in "\t\n" and (c < " " or "\x7f" <= c <= "\x9f")]


def test_dirty_stored_text_is_printed_cleaned_as_plain_lines(cli, dirty_lib):
    result = cli("list", "--catalogue")
    assert result.exit_code == 0, result.output
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert all(len(row) == len(LINE_COLUMNS) for row in rows.values())
    assert rows["2101.00001"][3:] == ["Escape ]0;pwned and a run", "Mal[31mlory, Edge", "badtag, graphs, to-discuss"]
    assert rows["hep-th/9901001"][3:] == ["Tab here | and a break", "Ann Lee", "x|y"]
    assert rows["2101.00003"][3] == "Catalogue only"  # a clean row in the same batch, as stored
    assert not _controls(result.stdout)


def test_dirty_stored_text_is_cleaned_in_streamed_json(cli, dirty_lib):
    result = cli("list", "--catalogue", "--json")
    assert result.exit_code == 0, result.output
    papers = {paper["id"]: paper for paper in json.loads(result.stdout)}
    assert papers["2101.00001"]["title"] == "Escape ]0;pwned and  a run"  # clean_text: runs kept in JSON
    assert papers["2101.00001"]["authors"] == ["Mal[31mlory", " Edge "]
    assert papers["hep-th/9901001"]["title"] == "Tab\there | and a\nbreak "
    assert not _controls(result.stdout) and "\\u001b" not in result.stdout and "\\u0007" not in result.stdout


def test_dirty_stored_text_is_cleaned_in_the_table(dirty_lib):
    env = dict(os.environ, READR_DB=str(dirty_lib), TERM="dumb")  # dumb: no bold header, no escapes at all
    env.pop("COLUMNS", None)
    code, out = _run_in_pty(["list", "--catalogue"], env, 200)
    assert code == 0
    assert "Escape ]0;pwned and a run" in out and "Tab here | and a break" in out and "Mal[31mlory" in out
    assert "Catalogue only" in out
    assert not _controls(out.replace("\r", "")) and "\x1b" not in out


@pytest.mark.parametrize("text", ["李\x85 wide with C1", "李\x7f wide with DEL", "é\x9b latin-1 with C1",
                                  "李\u2028\u200b kept", "李 \x1b escape", "plain \\u0000 literal backslash-u",
                                  "李\u00a0nbsp"])
def test_streamed_json_is_cleaned_in_every_string_width(text):
    """The checks on a dump differ for ASCII and wider text (DEL and C1 are found as not printable)."""
    value = {"title": text, "authors": [text, "b"]}
    assert _streamed(value) == _cleaned_array(value)


_CELL_TEXT = st.text(alphabet=st.sampled_from(" |\t\n\r\x1b\x07\x7f\x85\x9b\u00a0\u200b\u2028ab李é"), max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT, _CELL_TEXT), max_size=5))
def test_rows_are_cleaned_as_clean_line_cleans_each_cell(rows):
    """_cleaned_rows checks a whole batch at once and cleans only rows that may need it: the same
    cells as clean_line of every cell."""
    from readr.cli.output import _cleaned_rows
    from readr.sanitize import clean_line

    assert _cleaned_rows(rows) == [tuple(clean_line(cell) for cell in row) for row in rows]


@pytest.mark.parametrize("brief", [True, False])
def test_the_reading_list_is_read_in_its_order_without_sorting_it(lib, brief):
    """`readr list`'s default order comes from the papers_list_added index (migration 0010):
    SQLite reads the rows in order instead of sorting every selected row, abstracts and all."""
    with Store(lib) as store:
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        papers = list(store.iter_brief_papers(limit=10) if brief else store.iter_papers(limit=10))
        store.conn.set_trace_callback(None)
        listing = next(sql for sql in statements if "ORDER BY" in sql and "FROM papers p" in sql)
        plan = " / ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + listing))
    assert "papers_list_added" in plan and "TEMP B-TREE" not in plan, plan
    assert [p.key for p in papers] == ["hep-th/9901001", "2101.00001"]  # newest first, no catalogue entry


def test_every_character_below_u0300_takes_one_cell():
    """cell_width and fit count characters below U+0300 (Latin-1, Latin Extended, IPA, spacing
    modifiers) as one cell each without unicodedata: none of them is combining, wide or fullwidth."""
    import unicodedata

    below = [chr(code) for code in range(0x300)]
    assert all(not unicodedata.combining(c) and unicodedata.east_asian_width(c) not in "WF" for c in below)
    assert unicodedata.combining("\u0300") and unicodedata.east_asian_width("\u1100") == "W"


def _fitted_cell_by_cell(text: str, width: int) -> tuple[str, int]:
    """What fit() must give: characters kept while they fit in width - 1 cells, then an ellipsis."""
    import unicodedata

    def cells(char: str) -> int:
        return 0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1

    total = sum(cells(c) for c in text)
    if total <= width:
        return text, total
    out, used = [], 0
    for char in text:
        if used + cells(char) > width - 1:
            break
        out.append(char)
        used += cells(char)
    return "".join(out) + "…", used + 1


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab |é\u00ff\u02ff\u0300\u0301李🚀\u1100x"), max_size=12),
                min_size=6, max_size=6),
       st.lists(st.integers(min_value=0, max_value=14), min_size=6, max_size=6))
def test_table_cells_are_fitted_by_their_cells(row, widths):
    from readr.cli.output import _fitted, _table_line, cell_width

    fitted = [_fitted_cell_by_cell(cell, width) for cell, width in zip(row, widths)]
    assert [_fitted(cell, width) for cell, width in zip(row, widths)] == fitted
    assert [cell_width(cell) for cell in row] == [_fitted_cell_by_cell(cell, 10**6)[1] for cell in row]
    expected = "".join(" " + text + " " * (width - used) + " " for (text, used), width in zip(fitted, widths))
    assert _table_line(row, widths) == expected.rstrip()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from('\\bfrtnu0"\r\n\t\x08\x0c\x00\x1f\x7f\x85é李\u200b '), max_size=10),
                max_size=4))
def test_a_dump_needs_cleaning_exactly_when_cleaning_changes_it(texts):
    """The checks on a dump find the escapes of control characters, not LaTeX such as \\frac or
    \\beta (dumped with an escaped backslash), so a clean paper is not walked and dumped twice."""
    from readr.cli import output

    value = {"title": "".join(texts), "authors": texts}
    dump = json.dumps(value, ensure_ascii=False)
    assert output._may_need_cleaning(dump) == (output._clean_json(value) != value)
