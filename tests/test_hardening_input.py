"""The hostile input corpus, through every entry point that exists: CLI arguments, arXiv feeds
(replay server), digest import, catalogue import, files that are not UTF-8, path traversal,
huge inputs and FTS5 syntax. Each case ends in a clean one-line error or a literal display,
and nothing stored changes unexpectedly."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from readr.maintenance import check
from readr.sanitize import clean_line, clean_text
from readr.store import Store

# Terminal control characters that must never reach the terminal (tab and newline are fine).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

MARKUP = [
    "[bold red]red[/]",
    "[/]",
    "[/bold]",
    "[TODO] fix",
    "[@click=app.quit]quit[/]",
    '[link="https://evil.example"]click me[/link]',
    "[on red]x",
    ":warning: :smile:",
]
ESCAPES = [
    "\x1b]0;pwned title\x07after",            # window title
    "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07x",    # OSC 52 clipboard write
    "\x1b[2J\x1b[Hcleared",                   # clear screen
    "\x9b31mC1 CSI",                          # 8-bit CSI
    "nul\x00byte",
    "bell\x07del\x7f",
    "carriage\rreturn overwrite",
    "\x1bP+q544e\x1b\\dcs",                   # DCS
]
UNICODE = ["\u202eevil.exe\u202c rtl", "zero\u200bwidth", "emoji 🧪 and e\u0301", "🚀" * 3]
OTHER = ["'; DROP TABLE papers; --", "**bold** `code` [x](javascript:alert(1))", "%s %d {0} {title}", "a" * 300]
HOSTILE = MARKUP + ESCAPES + UNICODE + OTHER
# What a tag may not hold (readr.tags): control characters other than tab, newline and CR, which
# are whitespace, and bidirectional overrides.
TAG_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dump(db: Path) -> str:
    """Everything stored in the library (content, not file bytes)."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def assert_terminal_safe(text: str) -> None:
    bad = CONTROL.findall(text)
    assert not bad, f"control characters reached the terminal: {bad!r} in {text[:200]!r}"


def one_line_error(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("readr: error: "), result.stderr
    assert "Traceback" not in result.output
    assert_terminal_safe(result.stderr)
    return lines[0]


@pytest.fixture
def paper(cli, db_path):
    result = cli("add", "--web", "https://example.org/hostile", "--title", "a plain title")
    assert result.exit_code == 0, result.output
    return "https://example.org/hostile"


# --- CLI arguments ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_cli_field_is_stored_clean_and_shown_literally(cli, db_path, paper, text):
    expected_line = clean_line(text)
    # Title of a web entry.
    url = "https://example.org/t/" + str(abs(hash(text)))
    added = cli("add", "--web", url, "--title", text)
    assert added.exit_code == 0, added.output
    assert_terminal_safe(added.stderr)
    # Tag (one line, at most 64 characters, no control characters or bidi overrides: else a clean error).
    tagged = cli("tag", paper, text)
    if len(expected_line) > 64 or not expected_line.lstrip("#") or TAG_REFUSED.search(text):
        one_line_error(tagged)
    else:
        assert tagged.exit_code == 0, tagged.output
        assert_terminal_safe(tagged.stderr)
    # Summary.
    noted = cli("note", paper, text)
    assert noted.exit_code == 0, noted.output
    # Follow a query.
    followed = cli("follow", "query", text)
    assert followed.exit_code == 0 or one_line_error(followed)

    with Store(db_path) as lib:
        stored = lib.get(url)
        assert stored.title == (expected_line or url)
        assert not CONTROL.search(stored.title)
        assert lib.get(paper).summary == clean_text(text).strip()
        for row in lib.follows():
            assert not CONTROL.search(row["value"])

    for args in (("show", url), ("show", paper), ("list",), ("follow",), ("show", "--json", paper),
                 ("list", "--json"), ("search", "--json", text)):
        shown = cli(*args)
        assert shown.exit_code == 0, (args, shown.output)
        assert_terminal_safe(shown.output)
    # Markup is displayed as the literal characters.
    shown = cli("show", url).stdout
    if text in MARKUP:
        assert expected_line in shown
    note_shown = cli("show", paper).stdout
    if text in MARKUP:
        assert clean_text(text).strip() in note_shown
    data = json.loads(cli("show", "--json", url).stdout)
    assert data["title"] == (expected_line or url)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_queries_never_crash(cli, paper, text):
    for args in (
        ("search", text), ("search", "--json", text), ("search", f"tag:{text}"), ("search", f'author:"{text}"')
    ):
        result = cli(*args)
        if result.exit_code != 0:
            one_line_error(result)
        else:
            assert_terminal_safe(result.output)


# --- path traversal --------------------------------------------------------------------------

TRAVERSAL = [
    "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "hep-th/../../../etc/passwd",
    "file:///etc/passwd", "https://arxiv.org/abs/../../../etc/passwd", "arXiv:../../x", "2101.00001/../../x",
    "~/.ssh/id_rsa", "C:\\Windows\\system32", "hep-th/9901001/../../..", "\x00/etc/passwd", "..",
]


@pytest.mark.parametrize("ref", TRAVERSAL)
def test_path_traversal_in_ids_is_a_clean_error_and_touches_nothing(
    cli, db_path, paper, ref, arxiv_server, monkeypatch
):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url)
    before = dump(db_path)
    for args in (("add", ref), ("show", ref), ("tag", ref, "x"), ("note", ref, "x"), ("read", ref), ("rm", "-y", ref),
                 ("refresh", ref)):
        result = cli(*args)
        one_line_error(result)
    assert arxiv_server.api_requests == []
    assert dump(db_path) == before


@pytest.mark.parametrize("key", TRAVERSAL + ["hep-th/9901001", "web-0123456789", "a/b/c"])
def test_files_named_after_keys_stay_in_their_folder(tmp_path, key):
    from readr.drafts import Drafts

    drafts = Drafts(tmp_path / "drafts")
    path = drafts.save(key, "draft")
    assert path.parent == tmp_path / "drafts"
    assert drafts.load(key) == "draft" and drafts.keys() == [key]
    pdfs = pytest.importorskip("readr.pdfs.download")
    name = pdfs.pdf_filename(key, 2)
    assert "/" not in name and "\\" not in name and not name.startswith(".") and "\x00" not in name
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


# --- files that are not UTF-8 ------------------------------------------------------------------

BAD_BYTES = [
    b"\xff\xfe\x00h\x00i",                      # UTF-16 with BOM
    b"caf\xe9 latin-1",                          # Latin-1
    b"ok start \xc3\x28 broken continuation",
    b"\xed\xa0\x80 surrogate",                   # encoded surrogate
    b"\x00\x01\x02 binary \x89PNG\r\n\x1a\n",
]


@pytest.mark.parametrize("data", BAD_BYTES)
def test_files_that_are_not_utf8_are_a_clean_error(cli, db_path, paper, tmp_path, data):
    before = dump(db_path)
    note = tmp_path / "note.md"
    note.write_bytes(data)
    result = cli("note", paper, "--file", str(note))
    if result.exit_code == 0:
        # Only bytes that are valid UTF-8 get here (NUL and friends are stripped).
        data.decode("utf-8")
        assert not CONTROL.search(Store(db_path).get(paper).summary)
        return
    assert "not UTF-8" in one_line_error(result)
    import importlib.util

    for suffix in (".md", ".jsonl", ".json", ".xml", ".bib"):
        if suffix == ".bib" and importlib.util.find_spec("readr.bibtex") is None:
            continue  # BibTeX import has not landed yet
        page = tmp_path / f"page{suffix}"
        page.write_bytes(b"### 2024-5-5:\n\n[**T**](https://arxiv.org/abs/2101.00001) " + data + b"\n")
        result = cli("import", "--no-progress", str(page))
        if result.exit_code != 0:
            one_line_error(result)
    assert dump(db_path) == before


def test_a_config_file_that_is_not_utf8_is_a_clean_error(cli, paper, isolated_home):
    (isolated_home / "config.toml").write_bytes(b"week_start = \"\xff\xfe\"\n")
    one_line_error(cli("search", "title"))


# --- huge inputs ---------------------------------------------------------------------------------

def test_100k_tags_on_one_paper(cli, db_path, paper):
    tags = [f"t{i}" for i in range(100_000)]
    result = cli("tag", paper, *tags)
    assert result.exit_code == 0, result.output[-500:]
    with Store(db_path) as lib:
        assert len(lib.get(paper).tags) == 100_000
        assert [h.paper.key for h in lib.search("t99999")] == [lib.get(paper).key]
        assert [h.paper.key for h in lib.search("tag:t4242")] == [lib.get(paper).key]
        assert check(lib).ok
    shown = cli("show", "--json", paper)
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["tags"]) == 100_000
    assert cli("untag", paper, *tags[::2]).exit_code == 0
    with Store(db_path) as lib:
        assert len(lib.get(paper).tags) == 50_000
        assert check(lib).ok


def test_a_huge_summary_and_a_tag_that_is_too_long(cli, db_path, paper):
    big = "word " * 2_000_000 + "**the end**"
    result = cli("note", paper, "-", input=big)
    assert result.exit_code == 0, result.output[-300:]
    with Store(db_path) as lib:
        assert lib.get(paper).takeaways == ["the end"]
    before = dump(db_path)
    assert "at most 64" in one_line_error(cli("tag", paper, "x" * 65))
    assert "control characters" in one_line_error(cli("tag", paper, "\x1b\x07"))
    assert "cannot be empty" in one_line_error(cli("tag", paper, '"#"'))
    assert dump(db_path) == before


# --- arXiv feeds -----------------------------------------------------------------------------------

def atom_entry(arxiv_id: str = "2101.00001", version: int = 1, title: str = "T", summary: str = "S",
               authors: tuple[str, ...] = ("A. Person",), comment: str = "c", raw: bool = False) -> str:
    e = (lambda s: s) if raw else escape
    names = "".join(f"<author><name>{e(a)}</name></author>" for a in authors)
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v{version}</id>"
        f"<title>{e(title)}</title><updated>2021-01-01T00:00:00Z</updated>"
        f'<link href="https://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate" type="text/html"/>'
        f'<link href="https://arxiv.org/pdf/{arxiv_id}v{version}" rel="related" type="application/pdf" title="pdf"/>'
        f"<summary>{e(summary)}</summary>"
        f'<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>'
        f"<published>2021-01-01T00:00:00Z</published><arxiv:comment>{e(comment)}</arxiv:comment>"
        f'<arxiv:primary_category term="cs.LG"/>{names}</entry>'
    )


def atom_feed(*entries: str, total: int | None = None) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns="http://www.w3.org/2005/Atom"><id>https://arxiv.org/api/x</id><title>q</title>'
        "<updated>2026-01-01T00:00:00Z</updated>"
        f"<opensearch:itemsPerPage>100</opensearch:itemsPerPage>"
        f"<opensearch:totalResults>{len(entries) if total is None else total}</opensearch:totalResults>"
        f"<opensearch:startIndex>0</opensearch:startIndex>{''.join(entries)}</feed>"
    ).encode("utf-8")


@pytest.fixture
def arxiv_env(arxiv_server, monkeypatch):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url)
    monkeypatch.setenv("READR_ARXIV_DELAY", "0")
    from readr import arxiv_api
    from readr.cli import arxiv_cmds

    monkeypatch.setattr(arxiv_cmds, "_client", lambda: arxiv_api.ArxivClient(backoff=0.01, timeout=2, deadline=6))
    return arxiv_server


def test_hostile_text_in_every_feed_field_is_stored_clean_and_shown_literally(cli, db_path, arxiv_env):
    text = " | ".join(MARKUP + ESCAPES[:4] + UNICODE[:2])
    xml_safe = CONTROL.sub("", text)  # XML 1.0 cannot carry most C0 characters; C1 and markup it can
    xml_safe += " \x85\x9b31m c1"
    arxiv_env.script([(200, atom_feed(atom_entry(title=xml_safe, summary=xml_safe, authors=(xml_safe, "B"),
                                                 comment=xml_safe)))])
    result = cli("add", "2101.00001")
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.output)
    with Store(db_path) as lib:
        paper = lib.get("2101.00001")
        for value in (paper.title, paper.abstract, paper.comment, *paper.authors):
            assert not CONTROL.search(value), value
        assert "[bold red]red[/]" in paper.title and "[@click=app.quit]quit[/]" in paper.abstract
    shown = cli("show", "2101.00001")
    assert shown.exit_code == 0
    assert "[bold red]red[/]" in shown.stdout and '[link="https://evil.example"]' in shown.stdout
    assert_terminal_safe(shown.output)
    assert_terminal_safe(cli("list").output)


def clean_failure(result) -> None:
    """A failed command: exit 1, a line or two on stderr, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output[-500:])
    assert 1 <= len(result.stderr.strip().splitlines()) <= 3, result.stderr
    assert "Traceback" not in result.output
    assert_terminal_safe(result.output)


def test_a_10mb_abstract_from_a_feed(cli, db_path, arxiv_env):
    # Just under libxml2's 10,000,000-byte text node limit: stored, searchable, shown.
    abstract = ("lorem ipsum dolor " * 600_000)[:9_999_000] + " needle"
    arxiv_env.script([(200, atom_feed(atom_entry(summary=abstract)))])
    result = cli("add", "2101.00001")
    assert result.exit_code == 0, result.output[-500:]
    with Store(db_path) as lib:
        assert lib.get("2101.00001").abstract == abstract
        assert [h.paper.key for h in lib.search("needle")] == ["2101.00001"]
        assert check(lib).ok
    shown = cli("show", "--json", "2101.00001")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["abstract"] == abstract
    # Over it (10 MiB): the feed is refused in a line or two, and nothing is stored.
    before = dump(db_path)
    arxiv_env.default = (200, atom_feed(atom_entry("2101.00002", summary="x" * (10 * 2**20))))
    clean_failure(cli("add", "2101.00002"))
    assert dump(db_path) == before


def test_a_10mb_abstract_in_a_catalogue_file(cli, db_path, tmp_path):
    pytest.importorskip("readr.catalogue")
    record = {"id": "2101.00003", "title": "big", "authors": "A. Person", "abstract": "word " * 2_000_000 + "needle",
              "categories": "cs.LG", "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}]}
    source = tmp_path / "big.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = cli("import", "--no-progress", str(source))
    assert result.exit_code == 0, result.output[-500:]
    with Store(db_path) as lib:
        assert [h.paper.key for h in lib.search("needle")] == ["2101.00003"]
        assert check(lib).ok


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b']><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2101.00001v1</id>'
    b"<title>&lol9;</title></entry></feed>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
    + atom_entry(title="&xxe;", raw=True).encode()
    + b"</feed>"
)
BAD_FEEDS = {
    "html": ("html", None),
    "truncated": ("truncated", None),
    "malformed": ("malformed", None),
    "empty-200": (200, b""),
    "binary": (200, b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 100),
    "not-utf8": (200, b"<?xml version='1.0' encoding='UTF-8'?><feed>\xff\xfe</feed>"),
    "json": (200, b'{"error": "nope"}'),
    "rss": (200, b"<?xml version='1.0'?><rss><channel><item><title>x</title></item></channel></rss>"),
    "billion-laughs": (200, BILLION_LAUGHS),
    "external-entity": (200, EXTERNAL_ENTITY),
    "cut-mid-tag": (200, atom_feed(atom_entry())[:-40]),
    "html-500": (500, b"<html><body>Internal error</body></html>"),
}


@pytest.mark.parametrize("name", list(BAD_FEEDS))
def test_malformed_feeds_end_in_one_line_and_store_nothing(cli, db_path, arxiv_env, name):
    assert cli("follow", "category", "cs.LG").exit_code == 0
    before = dump(db_path)
    arxiv_env.default = BAD_FEEDS[name]
    for args in (("add", "2101.00001"), ("arxiv", "--json", "quantum"), ("fetch",)):
        result = cli(*args)
        assert "Traceback" not in result.output
        assert_terminal_safe(result.output)
        if name == "external-entity" and result.exit_code == 0:
            assert "root:" not in result.output
            continue
        assert result.exit_code == 1, (args, result.output)
        assert 1 <= len(result.stderr.strip().splitlines()) <= 3, result.stderr
    if name != "external-entity":
        assert dump(db_path) == before
    with Store(db_path) as lib:
        assert "root:" not in json.dumps([p.to_json() for p in lib.list_papers()])


# --- FTS5 special syntax ---------------------------------------------------------------------------

FTS_SYNTAX = [
    '"', '""', '"""', "'", "*", "**", "a*", "*a", "^", "^title", "-", "--", "+", "(", ")", "()", "(a", "a)",
    "AND", "OR", "NOT", "a AND", "AND a", "a OR OR b", "a NOT", "NEAR", "NEAR(a b)", "NEAR(a b, 2)", "NEAR(",
    "title:x", "title : x", "{title abstract}: x", "{title", "-title:x", "- x", "x:", ":", ":x", "a.b", "C++",
    "don't", "arXiv:2401.00001", "2202.06709v2", "hep-th/9901001", "\\", "\\\"", "%", "_", "a%b", "\x00",
    "col:*", "rank:1", "rowid", "papers_fts", "MATCH", "'; DROP TABLE papers; --", "quasi*", "qu*", "q",
    "\u200b", "ｑｕａｎｔｕｍ", "tag:", "status:", "year:", "week:", "cat:", 'author:"', 'tag:"a b', "a" * 5000,
    " ".join(["x"] * 2000),
]


def test_every_fts5_special_syntax_is_plain_text(store):
    store.add_web("https://example.org/1", "C++ and don't: a.b arXiv:2401.00001 NEAR AND OR NOT title")
    store.set_summary("https://example.org/1", "quasicrystals ^caret {braces} (parens) *stars*")
    from readr.errors import QueryError

    for text in FTS_SYNTAX:
        try:
            count = len(store.search(text))
        except QueryError as exc:  # a filter readr does not know (title:x) or one without a value
            assert "\n" not in str(exc)
            continue
        assert count in (0, 1)
    hits = lambda q: [h.paper.key for h in store.search(q)]  # noqa: E731
    key = store.get("https://example.org/1").key
    for literal in ("C++", "don't", "a.b", "NEAR", "AND", "OR", "NOT", "title", "arXiv:2401.00001", "quasi",
                    "{braces}", "(parens)", "^caret", "*stars*"):
        assert hits(literal) == [key], literal
    assert hits("quantum") == []


@pytest.mark.parametrize("text", ["(", "NEAR(", '"', "a OR", "*", "title:x", "-x", "--x", "^x", "{x}: y"])
def test_fts_syntax_through_the_cli(cli, paper, text):
    result = cli("search", "--json", "--", text)
    if text == "title:x":  # not one of readr's filters: one line that says so
        assert "title:x is not a filter readr knows" in one_line_error(result)
        return
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    if text.startswith("-"):  # without "--" it is an unknown option: one line
        result = cli("search", text)
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


# --- a library file that is not one --------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"my precious notes\n", b"%PDF-1.7\n" + b"\x00" * 5000, b"SQLite format 3\x00" + b"\xff" * 4000,
    bytes(range(256)) * 64,
])
def test_db_option_pointing_at_something_else_is_one_line_and_never_written(cli, tmp_path, content):
    target = tmp_path / "not-a-library.txt"
    target.write_bytes(content)
    for args in (("list",), ("search", "x"), ("add", "--web", "https://example.org/x"), ("backup",)):
        result = cli_db(cli, target, *args)
        one_line_error(result)
        assert "not a readr library" in result.stderr or "damaged" in result.stderr
    checked = cli_db(cli, target, "check")  # the check's report, with what to do
    assert checked.exit_code == 1 and "is damaged or is not a readr library" in checked.stdout
    assert "`readr check`" not in checked.stdout
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-library.txt"]


def cli_db(cli, db: Path, *args: str):
    from typer.testing import CliRunner

    from readr.cli import app

    return CliRunner().invoke(app, ["--db", str(db), *args])


def test_a_damaged_library_is_reported_in_plain_words(cli, tmp_path):
    db = tmp_path / "damaged.db"
    with Store(db) as lib:
        for i in range(300):
            lib.add_web(f"https://example.org/{i}", "title words " * 40)
            if i % 3 == 0:
                lib.add_tags([f"https://example.org/{i}"], ["t"])
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[8 * 4096 : 8 * 4096 + 3000] = b"\xa5" * 3000  # scribble over a page of papers
    db.write_bytes(bytes(data))
    result = cli_db(cli, db, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("PROBLEM: ") and "damaged" in line for line in lines), lines
    assert "cannot mend this" in lines[-1] and "No backup of it was found" in lines[-1]
    repaired = cli_db(cli, db, "check", "--repair")
    assert repaired.exit_code == 1 and "repaired:" not in repaired.stdout  # damage is not "repaired" away
    for args in (
        ("list",), ("search", "title"), ("show", "https://example.org/150"), ("tag", "https://example.org/150", "x")
    ):
        result = cli_db(cli, db, *args)
        if result.exit_code != 0:
            one_line_error(result)


def test_feed_problems_print_one_line_on_a_real_terminal(tmp_path, arxiv_server):
    """Outside pytest's log capture: no library warning leaks onto stderr around readr's own line."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, READR_ARXIV_URL=arxiv_server.url, READR_ARXIV_DELAY="0", PYTHONPATH=str(root))
    no_published = atom_feed(
        "<entry><id>http://arxiv.org/abs/2101.00001v1</id><title>T</title><updated>2021-01-01T00:00:00Z</updated>"
        "<summary>S</summary><author><name>A</name></author></entry>"
    )
    arxiv_server.default = (200, no_published)
    result = subprocess.run([sys.executable, "-m", "readr", "--db", str(tmp_path / "l.db"), "add", "2101.00001"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["not found on arXiv: 2101.00001"]
    arxiv_server.default = (200, EXTERNAL_ENTITY)
    result = subprocess.run([sys.executable, "-m", "readr", "--db", str(tmp_path / "l.db"), "add", "2101.00001"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert "root:" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_snippets_stay_fast_on_a_10mb_field(store):
    import time

    store.upsert_arxiv({"arxiv_id": "2101.00001", "version": 1, "title": "huge", "authors": ["A"],
                        "abstract": "word filler " * 900_000 + "needle at the end", "categories": ["cs.LG"]})
    store.upsert_arxiv({"arxiv_id": "2101.00002", "version": 1, "title": "small", "authors": ["B"],
                        "abstract": "a short abstract with one word in it", "categories": ["cs.LG"]})
    for text, key in (("word", "2101.00001"), ("needle", "2101.00001"), ("filler", "2101.00001")):
        started = time.monotonic()
        hits = {h.paper.key: h.match for h in store.search(text, snippets=True)}
        assert time.monotonic() - started < 5, text  # FTS5 snippet() alone took minutes here
        match = hits[key]
        assert match.field == "abstract"
        assert all(match.snippet[a:b].lower().startswith(text) for a, b in match.highlights) and match.highlights
    small = {h.paper.key: h.match for h in store.search("word", snippets=True)}["2101.00002"]
    assert small.snippet[small.highlights[0][0]:small.highlights[0][1]] == "word"
