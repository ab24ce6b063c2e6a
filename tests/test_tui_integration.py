"""Pilot tests of the TUI's PDF keys, search snippets and outside changes (issues 5 and 7).

PDFs are served by the local arXiv replay server (127.0.0.1) from files generated here; outside
writes come from a second Store connection or a real `readr` subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import webbrowser

import pytest

from readr.arxiv_api import ArxivClient
from readr.config import Config
from readr.store import Store
from tests.conftest import make_record
from tests.pdf_samples import make_pdf

pytest.importorskip("textual")

from readr.tui import make_app  # noqa: E402
from readr.tui.editor import SummaryEditor  # noqa: E402
from readr.tui.messages import PdfFinished, PdfProgress  # noqa: E402
from tests.tui_support import notifications, settle, wait_until

BODY_WORD = "axolotl"


@pytest.fixture
def served(tmp_path, arxiv_server):
    folder = tmp_path / "served"
    folder.mkdir()
    arxiv_server.serve_pdfs_from(folder)
    return folder


def library(db, *ids: str) -> None:
    with Store(db) as lib:
        for n, arxiv_id in enumerate(ids):
            lib.upsert_arxiv(make_record(arxiv_id, f"Paper number {n} about lizards",
                                         abstract="An abstract that never names the animal."))
        lib.set_status(list(ids), "to-read")


def app_for(db, server=None, **config):
    factory = None
    if server is not None:
        factory = lambda: ArxivClient(base_url=server.url, delay=0, timeout=3, retries=0, backoff=0,  # noqa: E731
                                      deadline=10)
    return make_app(db, config=Config(**config), client_factory=factory)


def text_of(app, selector: str) -> str:
    widget = app.library.query_one(selector)
    if not widget.display:
        return ""
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))


async def move_to(pilot, app, key: str) -> None:
    papers = app.library.papers
    papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
    await settle(pilot, app)


def row_text(app, key: str) -> str:
    papers = app.library.papers
    index = list(papers.entries).index(app.store.get(key).id)
    papers.scroll_to(y=max(0, index - 2), animate=False, immediate=True)
    return "".join(s.text for s in papers.render_line(index - int(papers.scroll_offset.y)))


# --- PDFs --------------------------------------------------------------------------------------


async def test_f_goes_through_the_one_batch_function_with_a_stop_callback(tmp_path, arxiv_server, served,
                                                                         monkeypatch):
    """The TUI's queue runs `readr.pdfs.download.fetch_pdfs` (as `readr pdf` does:
    tests/test_pdf_download.py), fed from the queue, with the worker's cancellation as should_stop."""
    from readr.pdfs import download

    db = tmp_path / "lib.db"
    library(db, "2302.07302")
    (served / "2302.07302v1.pdf").write_bytes(make_pdf(["Intro", f"the body mentions the {BODY_WORD} once"]))
    calls: list[dict] = []
    real = download.fetch_pdfs

    def recording(store, refs, **kwargs):
        taken: list[str] = []
        calls.append({"refs": taken, "stop": kwargs.get("should_stop")})

        def passing_on():
            for ref in refs:
                taken.append(ref)
                yield ref

        return real(store, passing_on(), **kwargs)

    monkeypatch.setattr(download, "fetch_pdfs", recording)
    app = app_for(db, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await wait_until(pilot, lambda: calls and not app.library.pdfs.running)
        await settle(pilot, app)
        assert [call["refs"] for call in calls] == [["2302.07302"]]
        assert calls[0]["stop"] is not None and calls[0]["stop"]() is False
        assert app.store.pdf_record("2302.07302").extract_status == "ok"


async def test_f_downloads_and_indexes_the_pdf_in_a_worker(tmp_path, arxiv_server, served):
    db = tmp_path / "lib.db"
    library(db, "2302.07302")
    (served / "2302.07302v1.pdf").write_bytes(make_pdf(["Intro", f"the body mentions the {BODY_WORD} once"]))
    seen: list = []
    app = app_for(db, arxiv_server)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot, app)
        assert "not downloaded" in text_of(app, "#detail-pdf")
        await pilot.press("f")
        await wait_until(pilot, lambda: any(isinstance(m, PdfFinished) for m in seen))
        await settle(pilot, app)
        [done] = [m for m in seen if isinstance(m, PdfFinished)]
        assert done.outcome.status == "ok" and done.outcome.downloaded, done.outcome.message
        assert any(isinstance(m, PdfProgress) and "download" in m.activity for m in seen)
        assert [r.path for r in arxiv_server.requests] == ["/pdf/2302.07302v1"]
        record = app.store.pdf_record("2302.07302")
        assert record is not None and record.extract_status == "ok"
        assert "text indexed" in text_of(app, "#detail-pdf")
        assert any("Downloaded and indexed the PDF of 2302.07302" in n.message for n in notifications(app))
        assert "PDF 1/1" not in text_of(app, "#status")  # progress gone once done
        # The body text is now searchable from the search bar, with a snippet.
        await pilot.press("slash", *BODY_WORD, "enter")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "matched in the PDF text" in text_of(app, "#detail-match"))
        assert app.library.papers.paper_count == 1


async def test_status_line_shows_progress_while_a_download_runs(tmp_path, arxiv_server, served):
    db = tmp_path / "lib.db"
    library(db, "2302.07310")
    (served / "2302.07310v1.pdf").write_bytes(make_pdf(["slow one"]))
    arxiv_server.script([("hang", None)])  # until end_hangs(): the client's timeout is far off
    app = make_app(db, config=Config(), client_factory=lambda: ArxivClient(
        base_url=arxiv_server.url, delay=0, timeout=60, retries=0, backoff=0, deadline=60))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await wait_until(pilot, lambda: "PDF 1/1 2302.07310" in text_of(app, "#status"))
        assert "download" in text_of(app, "#detail-pdf")
        # The UI keeps answering while the server hangs.
        await pilot.press("2")
        await pilot.pause(0.05)
        assert app.library.view == "inbox" and app.library.pdfs.running
        await pilot.press("1")
        arxiv_server.end_hangs()  # the connection closes unanswered: the download fails
        await wait_until(pilot, lambda: any(n.severity == "error" for n in notifications(app)), timeout=15)
        await settle(pilot, app)
        assert "PDF 1/1" not in text_of(app, "#status")
        assert "not downloaded" in text_of(app, "#detail-pdf")


async def test_quitting_never_waits_for_a_stalled_download(tmp_path, arxiv_server, served):
    db = tmp_path / "lib.db"
    library(db, "2302.07311")
    arxiv_server.default = ("hang", None)
    # A leftover of a readr process that died mid-download is swept; a live one's is kept.
    pdfs = Store(db).pdf_dir
    pdfs.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = pdfs / f".2302.07399v1.pdf.{dead.pid}.part"
    live = pdfs / f".2302.07398v1.pdf.{os.getppid()}.part"
    stale.write_bytes(b"%PDF-half")
    live.write_bytes(b"%PDF-half")
    download_returned = threading.Event()

    class WatchedClient(ArxivClient):
        def get(self, url, **kwargs):
            try:
                return super().get(url, **kwargs)
            finally:
                download_returned.set()

    app = make_app(db, config=Config(), client_factory=lambda: WatchedClient(
        base_url=arxiv_server.url, delay=0, timeout=30, retries=3, backoff=0, deadline=120))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await wait_until(pilot, lambda: "downloading" in text_of(app, "#status") and arxiv_server.requests)
        assert not stale.exists() and live.exists()
    # The request hangs until the server stops, so the app quit while the download was stalled.
    assert not download_returned.is_set()


async def test_a_failed_download_is_a_notification_not_a_crash(tmp_path, arxiv_server, served):
    db = tmp_path / "lib.db"
    library(db, "2302.07305", "2302.07306", "2302.07307")
    (served / "2302.07306v1.pdf").write_bytes(make_pdf(["fine words"]))
    (served / "2302.07307v1.pdf").write_bytes(b"<!DOCTYPE html><html><body>maintenance</body></html>" * 40)
    # 2302.07305 is not served at all: 404.
    app = app_for(db, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("space", "space", "space")  # select all three
        assert len(app.library.papers.selected) == 3
        await pilot.press("f")
        await wait_until(pilot, lambda: not app.library.pdfs.running)
        await settle(pilot, app)
        errors = [n for n in notifications(app) if n.severity == "error"]
        assert len(errors) == 2
        assert any("2302.07305" in n.message and "404" in n.message for n in errors)
        assert any("2302.07307" in n.message and "web page" in n.message for n in errors)
        assert all(not n.markup for n in notifications(app))
        assert any("PDFs: 1 indexed, 2 failed." in n.message for n in notifications(app))
        assert app.store.pdf_record("2302.07306").extract_status == "ok"
        assert app.store.pdf_record("2302.07305") is None
        await pilot.press("j")  # still alive and answering
        assert app.is_running


async def test_papers_queued_during_a_download_are_fetched_too(tmp_path, arxiv_server, served):
    db = tmp_path / "lib.db"
    library(db, "2302.07320", "2302.07321")
    for arxiv_id in ("2302.07320", "2302.07321"):
        (served / f"{arxiv_id}v1.pdf").write_bytes(make_pdf([f"text of {arxiv_id}"]))
    first_pdf_sent = threading.Event()
    arxiv_server.script([("held", first_pdf_sent)])  # no paper is done while the keys are pressed
    app = app_for(db, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f", "j", "f", "f")  # the second f on the same paper is a no-op
        first_pdf_sent.set()
        await wait_until(pilot, lambda: not app.library.pdfs.running)
        await settle(pilot, app)
        assert all(app.store.pdf_record(k) and app.store.pdf_record(k).extract_status == "ok"
                   for k in ("2302.07320", "2302.07321"))
        assert sorted(r.path for r in arxiv_server.requests) == ["/pdf/2302.07320v1", "/pdf/2302.07321v1"]
        assert any("Already downloading" in n.message for n in notifications(app))


async def test_stopping_drops_the_queue_after_the_current_paper(tmp_path, arxiv_server, served):
    from readr.tui.commands import palette_commands

    db = tmp_path / "lib.db"
    library(db, "2302.07325", "2302.07326", "2302.07327")
    arxiv_server.default = ("hang", None)  # until end_hangs(): the client's timeout is far off
    app = make_app(db, config=Config(), client_factory=lambda: ArxivClient(
        base_url=arxiv_server.url, delay=0, timeout=60, retries=0, backoff=0, deadline=60))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("space", "space", "space", "f")
        await wait_until(pilot, lambda: "PDF 1/3" in text_of(app, "#status") and arxiv_server.requests)
        [stop] = [cb for name, _, cb in palette_commands(app) if name == "Stop the PDF downloads"]
        stop()
        arxiv_server.end_hangs()  # the paper being fetched fails; a next one would be asked for
        await wait_until(pilot, lambda: not app.library.pdfs.running)
        await settle(pilot, app)
        assert len(arxiv_server.requests) == 1
        assert any("Stopped: 2 PDFs not fetched." in n.message for n in notifications(app))
        assert not [name for name, _, _ in palette_commands(app) if name == "Stop the PDF downloads"]


async def test_the_pdf_key_is_remappable_and_in_the_palette(tmp_path, arxiv_server, served):
    from readr.tui.commands import palette_commands

    db = tmp_path / "lib.db"
    library(db, "2302.07330")
    (served / "2302.07330v1.pdf").write_bytes(make_pdf(["remapped"]))
    app = app_for(db, arxiv_server, keymap={"fetch-pdf": "ctrl+g"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not any(n.severity == "warning" for n in notifications(app))  # the id is known
        names = {name: help_text for name, help_text, _ in palette_commands(app)}
        assert names["Download the PDF, index its text"] == "key: ctrl+g"
        assert "ctrl+g downloads it" in text_of(app, "#detail-pdf")
        await pilot.press("f")
        await pilot.pause(0.2)
        assert not arxiv_server.requests
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: (app.store.pdf_record("2302.07330") or None) is not None
                         and app.store.pdf_record("2302.07330").extract_status == "ok")


async def test_o_opens_the_pdf_in_the_viewer_else_the_web_page(tmp_path, arxiv_server, served, monkeypatch):
    log = tmp_path / "viewer-args.json"
    script = tmp_path / "viewer.py"
    script.write_text(f"import json, sys\nopen({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    monkeypatch.setenv("READR_PDF_VIEWER", f"{sys.executable} {script}")
    browsed: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0, autoraise=True: browsed.append(url) or True)
    db = tmp_path / "lib.db"
    library(db, "2302.07340")
    (served / "2302.07340v1.pdf").write_bytes(make_pdf(["open me"]))
    app = app_for(db, arxiv_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")  # no PDF yet: the abs page
        await settle(pilot, app)
        link = app.store.get("2302.07340").link
        assert link.startswith("https://arxiv.org/abs/2302.07340")
        assert browsed == [link] and not log.exists()
        await pilot.press("f")
        await wait_until(pilot, lambda: not app.library.pdfs.running)
        await settle(pilot, app)
        await pilot.press("o")
        await wait_until(pilot, lambda: log.exists() and log.read_text())
        [path] = json.loads(log.read_text())
        assert path == str((app.store.data_dir / "pdfs" / "2302.07340v1.pdf").resolve())
        await pilot.press("O")  # the web page even though there is a PDF
        await settle(pilot, app)
        assert browsed == [link, link]


# --- search snippets ---------------------------------------------------------------------------


def index_text(db, key: str, text: str) -> None:
    with Store(db) as lib:
        lib.record_pdf(key, f"pdfs/{key}v1.pdf", "0" * 64, 100, version=1)
        lib.record_extraction(key, "ok", pages=3, text=text)


async def test_a_body_text_match_shows_the_field_and_a_highlighted_snippet(tmp_path):
    db = tmp_path / "lib.db"
    library(db, "2302.07350", "2302.07351")
    index_text(db, "2302.07350", "Long ago [bold]markup[/] stays text. In section four the "
               f"{BODY_WORD} regenerates its limbs, which matters for [@click=app.quit]x[/].")
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert text_of(app, "#detail-match") == ""  # no search: no match line
        await pilot.press("slash", *BODY_WORD[:5])  # a prefix works too (3+ characters)
        await settle(pilot, app)
        await wait_until(pilot, lambda: "matched in the PDF text" in text_of(app, "#detail-match"))
        assert app.library.papers.paper_count == 1
        line = app.library.query_one("#detail-match").render()
        plain = line.plain
        assert BODY_WORD in plain
        highlighted = [plain[s.start:s.end] for s in line.spans if getattr(s.style, "reverse", False)]
        assert highlighted == [BODY_WORD]
        # Nothing of the PDF text was parsed as markup.
        await pilot.press(*BODY_WORD[5:], *" limbs")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "limbs" in text_of(app, "#detail-match"))
        line = app.library.query_one("#detail-match").render()
        assert sorted(line.plain[s.start:s.end] for s in line.spans if getattr(s.style, "reverse", False)) == [
            BODY_WORD, "limbs"]
        await pilot.press("ctrl+u")
        await pilot.press(*"click")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "[@click=app.quit" in text_of(app, "#detail-match"))
        # Filters alone (no free text) point at nothing.
        search = app.library.query_one("#search")
        search.value = "status:to-read"
        await settle(pilot, app)
        assert app.library.papers.paper_count == 2
        assert text_of(app, "#detail-match") == ""


async def test_the_snippet_follows_the_highlighted_paper(tmp_path):
    db = tmp_path / "lib.db"
    library(db, "2302.07360", "2302.07361")
    with Store(db) as lib:
        lib.set_summary("2302.07361", f"My notes: the **{BODY_WORD}** result is the point.")
    index_text(db, "2302.07360", f"only the body has the {BODY_WORD}")
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *BODY_WORD, "enter")
        await settle(pilot, app)
        assert app.library.papers.paper_count == 2
        seen = {}
        for _ in range(2):
            key = app.store.keys_for([app.library.papers.current_id])[0]
            await wait_until(pilot, lambda: "matched in" in text_of(app, "#detail-match"))
            seen[key] = text_of(app, "#detail-match")
            await pilot.press("j")
            await settle(pilot, app)
        assert seen["2302.07360"].startswith("matched in the PDF text")
        assert seen["2302.07361"].startswith("matched in your summary")


# --- outside changes ---------------------------------------------------------------------------


async def test_a_write_from_another_connection_shows_up_without_a_key(tmp_path):
    db = tmp_path / "lib.db"
    library(db, "2302.07370", "2302.07371", "2302.07372")
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "2302.07371")
        cursor_id = app.library.papers.current_id
        assert "#outside" not in row_text(app, "2302.07371")
        inbox_before = app.library.counts.get("inbox")
        with Store(db) as other:
            other.add_tags(["2302.07371"], ["outside"])
            other.set_status(["2302.07370"], "inbox")
        await wait_until(pilot, lambda: "#outside" in row_text(app, "2302.07371"))  # the app polls, no key
        await settle(pilot, app)
        assert app.library.papers.current_id == cursor_id  # the cursor stays on the same paper
        assert "#outside" in text_of(app, "#detail-meta")
        assert app.library.counts.get("inbox") == (inbox_before or 0) + 1


async def test_a_readr_subprocess_write_shows_up_and_a_deleted_paper_goes(tmp_path):
    db = tmp_path / "lib.db"
    library(db, "2302.07380", "2302.07381")
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await move_to(pilot, app, "2302.07381")
        env = dict(os.environ, READR_DB=str(db))
        done = subprocess.run([sys.executable, "-m", "readr", "--db", str(db), "tag", "2302.07381", "fromcli"],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        await wait_until(pilot, lambda: "#fromcli" in row_text(app, "2302.07381"))
        with Store(db) as other:
            other.delete(["2302.07381"])
        await wait_until(pilot, lambda: app.library.papers.paper_count == 1)
        await settle(pilot, app)
        assert app.store.keys_for([app.library.papers.current_id]) == ["2302.07380"]


async def test_an_open_editor_is_never_clobbered_by_an_outside_write(tmp_path):
    db = tmp_path / "lib.db"
    library(db, "2302.07390")
    app = app_for(db, autosave_seconds=0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor) and app.screen.query("#editor-text"))
        editor = app.screen
        await pilot.press(*"typing away")
        with Store(db) as other:
            other.add_tags(["2302.07390"], ["meanwhile"])
        await pilot.pause(1.5)
        assert app.screen is editor and "typing away" in editor.text  # untouched, still open
        await pilot.press("escape")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "#meanwhile" in row_text(app, "2302.07390"))
        paper = app.store.get("2302.07390")
        assert "typing away" in paper.summary and paper.tags == ["meanwhile"]
