"""Hostile input through the file and UI entry points: digest pages (import and the export that
publishes their images), BibTeX files, PDFs (text, metadata, file names) and the TUI."""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
from pathlib import Path

import pytest

from readr.maintenance import check
from readr.sanitize import clean_line
from readr.store import Store

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EVIL = (
    "[bold red]red[/] [/] [@click=app.quit]q[/] [link=\"https://evil.example\"]l[/link] "
    "\x1b]0;pwned\x07 \x1b]52;c;eA==\x07 \x9b31m \x00 \x7f"
)
EVIL_SHOWN = clean_line(EVIL)


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def assert_terminal_safe(text: str) -> None:
    assert not CONTROL.search(text), repr(CONTROL.findall(text))


def assert_stored_clean(db: Path) -> None:
    with Store(db) as lib:
        for paper in lib.list_papers(include_catalogue=True):
            for value in (paper.title, paper.abstract, paper.summary, paper.comment or "", paper.journal_ref or "",
                          *paper.authors, *paper.tags, *paper.takeaways):
                assert not CONTROL.search(value.replace("\n", "").replace("\t", "")), (paper.key, value)
        assert check(lib).ok


def one_or_two_lines(result) -> None:
    assert result.exit_code == 1, result.output
    assert 1 <= len(result.stderr.strip().splitlines()) <= 3, result.stderr
    assert "Traceback" not in result.output
    assert_terminal_safe(result.output)


# --- digest pages ------------------------------------------------------------------------------

def test_a_hostile_digest_page_is_stored_clean_and_shown_literally(cli, db_path, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "### 2024-5-5:\n\n"
        f"[**{EVIL.replace('[', '(').replace(']', ')')}**](https://arxiv.org/abs/2101.00001) "
        f"Summary with {EVIL} and **a {EVIL} takeaway**.\n\n"
        "[Second](https://example.org/../../etc/passwd) ![](../../../../etc/passwd) ![](/etc/shadow) "
        "<img src=\"~/.ssh/id_rsa\"> **two**\n",
        encoding="utf-8",
    )
    result = cli("import", str(page))
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.output)
    assert_stored_clean(db_path)
    with Store(db_path) as lib:
        paper = lib.get("2101.00001")
        assert "[bold red]red[/]" in paper.summary and "[@click=app.quit]q[/]" in paper.summary
        assert paper.takeaways == [f"a {clean_line(EVIL)} takeaway"]
    shown = cli("show", "2101.00001")
    assert shown.exit_code == 0
    assert_terminal_safe(shown.output)
    assert "[bold red]red[/]" in shown.stdout and '[link="https://evil.example"]l[/link]' in shown.stdout
    takeaways = cli("takeaways")
    assert takeaways.exit_code == 0
    assert_terminal_safe(takeaways.output)
    out = tmp_path / "site" / "digest.md"
    exported = cli("export", "2024-05-05", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert_terminal_safe(out.read_text(encoding="utf-8"))
    assert not (out.parent / "assets").exists()  # nothing but images is ever copied


def test_export_never_publishes_a_secret_through_an_image_symlink(cli, db_path, tmp_path):
    secret = tmp_path / "home" / ".ssh" / "id_rsa"
    secret.parent.mkdir(parents=True)
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    site = tmp_path / "cloned-site"
    site.mkdir()
    os.symlink(secret, site / "figure.png")  # a repository can carry a symlink named like an image
    real = site / "real.png"
    real.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    page = site / "page.md"
    page.write_text(
        "### 2024-5-5:\n\n[**T**](https://arxiv.org/abs/2101.00001) Look ![](figure.png) and ![](real.png) **x**\n",
        encoding="utf-8",
    )
    assert cli("import", str(page)).exit_code == 0
    out = tmp_path / "published" / "digest.md"
    result = cli("export", "2024-05-05", "--out", str(out))
    assert result.exit_code == 0, result.output
    published = list((out.parent / "assets").iterdir())
    assert [p.name for p in published] == ["real.png"]
    for path in out.parent.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes()


def test_a_truncated_or_binary_digest_page_changes_nothing(cli, db_path, tmp_path):
    assert cli("add", "--web", "https://example.org/mine", "--title", "mine").exit_code == 0
    before = dump(db_path)
    for name, data in (
        ("front.md", b"---\ndescription: never closed\n### 2024-5-5:\n"),
        ("binary.md", bytes(range(256)) * 4),
        ("utf16.md", "### 2024-5-5:\n".encode("utf-16")),
        ("entry-without-week.md", b"[**T**](https://arxiv.org/abs/2101.00001) text\n"),
    ):
        page = tmp_path / name
        page.write_bytes(data)
        result = cli("import", str(page))
        if result.exit_code != 0:
            one_or_two_lines(result)
        assert dump(db_path) == before, name


# --- BibTeX ------------------------------------------------------------------------------------------

bibtex_present = importlib.util.find_spec("readr.bibtex") is not None
needs_bibtex = pytest.mark.skipif(not bibtex_present, reason="BibTeX import has not landed")


@needs_bibtex
def test_a_hostile_bib_file_is_stored_clean(cli, db_path, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{evil1,\n"
        f"  title = {{{EVIL.replace('{', '').replace('}', '')}}},\n"
        "  author = {[bold]Mallory[/bold] and \x1b]0;x\x07 Eve},\n"
        f"  abstract = {{{'lorem ' * 5_000}}},\n"
        "  eprint = {../../../etc/passwd}, archivePrefix = {arXiv},\n"
        "  file = {../../../../etc/passwd:PDF},\n"
        "  url = {javascript:alert(1)},\n"
        "  year = {2024},\n"
        "}\n"
        "@misc{evil2, title = {Second}, eprint = {hep-th/9901001/../../x}, archivePrefix = {arXiv}}\n",
        encoding="utf-8",
    )
    result = cli("import", str(bib))
    if result.exit_code != 0:
        one_or_two_lines(result)
        return
    assert_terminal_safe(result.output)
    assert_stored_clean(db_path)
    with Store(db_path) as lib:
        papers = lib.list_papers()
        assert len(papers) == 2
        assert all(p.arxiv_id is None for p in papers)  # traversal is not an arXiv id
        evil = next(p for p in papers if "Mallory" in " ".join(p.authors))
        assert "[bold red]red[/]" in evil.title
        assert not any("root:" in (p.abstract or "") for p in papers)
    assert_terminal_safe(cli("list").output)
    exported = cli("export", "--bibtex")
    assert exported.exit_code == 0
    assert_terminal_safe(exported.stdout)


@needs_bibtex
def test_a_bib_file_with_a_10mb_abstract_is_handled_in_seconds(db_path, tmp_path):
    import subprocess
    import sys
    import time

    bib = tmp_path / "huge.bib"
    bib.write_text("@article{big, title = {Big}, abstract = {" + "lorem " * 1_750_000 + "needle}}\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root))
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "readr", "--db", str(db_path), "import", str(bib)],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert time.monotonic() - started < 20  # it once took hours (LaTeX decoding of every field)
    assert result.returncode == 0, result.stderr
    with Store(db_path) as lib:
        (paper,) = lib.list_papers()
        assert paper.abstract.endswith("needle") and len(paper.abstract) > 10_000_000
        assert [h.paper.key for h in lib.search("needle")] == [paper.key]


@needs_bibtex
@pytest.mark.parametrize("text", [
    "@article{open, title = {never closed\n",
    "@article{, title = {no key}}\n",
    "@@@@\n{}{}{}\n",
    "@string{a = \"x\" # b}\n@article{k, title = a # a # a}\n",
    "@comment{" + "{" * 5000 + "\n",
])
def test_a_broken_bib_file_is_a_clean_error_or_nothing(cli, db_path, tmp_path, text):
    assert cli("add", "--web", "https://example.org/mine", "--title", "mine").exit_code == 0
    before = dump(db_path)
    bib = tmp_path / "broken.bib"
    bib.write_text(text, encoding="utf-8")
    result = cli("import", str(bib))
    if result.exit_code != 0:
        one_or_two_lines(result)
        (line,) = result.stderr.strip().splitlines()  # no parser log lines around it
        assert re.fullmatch(r"readr: error: broken\.bib:\d+: \S.*", line), line
        assert dump(db_path) == before
    else:
        assert_terminal_safe(result.output)
        assert_stored_clean(db_path)


@needs_bibtex
def test_a_broken_bib_file_is_one_line_on_a_real_terminal(db_path, tmp_path):
    import subprocess
    import sys

    bib = tmp_path / "broken.bib"
    bib.write_text("@article{open, title = {never closed\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "readr", "--db", str(db_path), "import", str(bib)],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(root)), timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["readr: error: broken.bib:1: Unexpectedly reached end of file."]


# --- PDFs --------------------------------------------------------------------------------------------

def _pdfs():
    pytest.importorskip("readr.pdfs.local")
    from tests import pdf_samples

    return pdf_samples


def test_hostile_text_inside_a_pdf_and_in_its_file_name(cli, db_path, tmp_path):
    samples = _pdfs()
    data = samples.make_pdf(
        [f"First line {EVIL}\nneedleword and [TODO] more\n\x1b[2J cleared", "page two \x07\x1b]52;c;eA==\x07"],
        title=f"PDF title {EVIL}", author="[bold]Author[/bold] \x1b]0;x\x07",
    )
    name = tmp_path / "[red]paper[red] \x1b]0;x\x07 ..%2F..%2Fescape.pdf"
    name.write_bytes(data)
    result = cli("import", "--no-progress", str(name))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert_terminal_safe(result.output)
    if result.exit_code != 0:
        return
    assert_stored_clean(db_path)
    with Store(db_path) as lib:
        (paper,) = lib.list_papers()
        fulltext = lib.conn.execute("SELECT fulltext FROM papers WHERE id = ?", (paper.id,)).fetchone()[0] or ""
        assert not CONTROL.search(fulltext.replace("\n", "").replace("\t", ""))
        assert [h.paper.key for h in lib.search("needleword")] == [paper.key]
        # The copy inside the library has a safe name, inside the library's PDF folder.
        for path in lib.data_dir.rglob("*.pdf"):
            assert path.resolve().is_relative_to(lib.data_dir.resolve())
            assert not CONTROL.search(path.name) and "[" not in path.name
    shown = cli("show", paper.key)
    assert shown.exit_code == 0
    assert_terminal_safe(shown.output)


@pytest.mark.parametrize("kind", ["html", "empty", "truncated", "text", "zip"])
def test_files_that_only_claim_to_be_pdfs(cli, db_path, tmp_path, kind):
    samples = _pdfs()
    real = samples.make_pdf(["hello"])
    data = {
        "html": b"<!DOCTYPE html><html><body>Just a moment...</body></html>",
        "empty": b"",
        "truncated": samples.truncated(real, 0.4),
        "text": b"%PDF-1.7\nthis is not really a pdf\n" * 10,
        "zip": b"PK\x03\x04" + b"\x00" * 100,
    }[kind]
    assert cli("add", "--web", "https://example.org/mine", "--title", "mine").exit_code == 0
    before = dump(db_path)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(data)
    result = cli("import", "--no-progress", str(path))
    assert "Traceback" not in result.output
    assert_terminal_safe(result.output)
    if result.exit_code != 0:
        one_or_two_lines(result)
        assert dump(db_path) == before
    else:
        assert_stored_clean(db_path)


# --- the TUI ------------------------------------------------------------------------------------------

def _tui():
    pytest.importorskip("textual")
    return pytest.importorskip("readr.tui")


def test_hostile_typing_in_the_tui_search_and_editor(tmp_path):
    import asyncio

    tui = _tui()
    asyncio.run(_hostile_typing(tui, tmp_path))


async def _hostile_typing(tui, tmp_path):
    from readr.config import Config
    from readr.tui.editor import SummaryEditor

    db = tmp_path / "lib.db"
    with Store(db) as lib:
        lib.add_web("https://example.org/a", f"Title {EVIL}")
        lib.add_tags(["https://example.org/a"], ["[red]tag[/red]"])
    app = tui.make_app(db, config=Config(autosave_seconds=0.2))
    typed = "**[/]x** [@click=app.quit]q"
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        # Write a summary full of markup in the editor; it is stored as typed.
        await pilot.press("e")
        while not (isinstance(app.screen, SummaryEditor) and app.screen.query("#editor-text")):
            await pilot.pause(0.05)
        await pilot.press(*typed)
        await pilot.press("ctrl+s", "escape")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert app.is_running
        for query in ('[/] NEAR( "*', "status:x", "tag:[/]"):
            await pilot.press("/")
            await pilot.press(*query)
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("escape", "escape")
            await pilot.pause(0.05)
            assert app.is_running
    with Store(db) as lib:
        paper = lib.get("https://example.org/a")
        assert paper.summary.endswith(typed)
        assert paper.takeaways == ["[/]x"]
        assert check(lib).ok
