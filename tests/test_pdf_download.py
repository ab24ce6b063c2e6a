"""readr pdf: downloads from the local arXiv replay server, checks, atomic files, indexing, CLI."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from readr.arxiv_api import ArxivClient
from readr.pdfs.download import PdfEvent, DownloadError, download_pdf, fetch_pdfs, pdf_filename, pdf_url
from readr.pdfs.extract import Limits
from tests.conftest import make_record
from tests.pdf_samples import HTML_PAGE, bomb_pdf, make_pdf, truncated

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "pdfs"
LIMITS = Limits(timeout=20)


@pytest.fixture
def pdf_dir(tmp_path, arxiv_server):
    directory = tmp_path / "served"
    directory.mkdir()
    arxiv_server.serve_pdfs_from(directory)
    return directory


@pytest.fixture
def client(arxiv_server):
    return ArxivClient(base_url=arxiv_server.url, delay=0, timeout=3, retries=2, backoff=0, deadline=10)


def serve(pdf_dir: Path, name: str, data: bytes) -> None:
    (pdf_dir / f"{name.replace('/', '_')}.pdf").write_bytes(data)


def leftovers(store) -> list[Path]:
    return [p for p in store.data_dir.rglob("*") if p.is_file() and (p.name.startswith(".") or p.suffix == ".part")]


def test_file_names_are_safe_whatever_the_key():
    assert pdf_filename("2302.07302", 1) == "2302.07302v1.pdf"
    assert pdf_filename("hep-th/9901001", 2) == "hep-th_9901001v2.pdf"
    assert pdf_filename("0704.0001") == "0704.0001.pdf"
    for hostile in ("../../etc/passwd", "a/b\\c", "..", "\x1b]0;x\x07", "name with spaces", "/abs", "", "пример"):
        name = pdf_filename(hostile, 3)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.pdf", name), (hostile, name)
        assert "/" not in name and ".." not in name.replace("..pdf", "")
    assert pdf_filename("a/b", None) != pdf_filename("a_b", None)  # no two keys share a file


def test_pdf_url_asks_for_the_version_the_reader_has():
    assert pdf_url("http://127.0.0.1:1/", "2302.07302", 3) == "http://127.0.0.1:1/pdf/2302.07302v3"
    assert pdf_url("http://h", "hep-th/9901001", None) == "http://h/pdf/hep-th/9901001"


def test_download_and_index_makes_a_body_word_searchable(store, arxiv_server, pdf_dir, client):
    store.upsert_arxiv(make_record("2302.07302", "A title", version=2), have_version=1)
    serve(pdf_dir, "2302.07302v1", make_pdf(["Intro", "the body mentions the axolotl once"]))
    serve(pdf_dir, "2302.07302v2", make_pdf(["version two has other words"]))
    [outcome] = fetch_pdfs(store, ["2302.07302"], client=client, limits=LIMITS)
    assert outcome.status == "ok" and outcome.downloaded, outcome.message
    assert outcome.path == store.pdf_dir / "2302.07302v1.pdf" and outcome.path.read_bytes().startswith(b"%PDF")
    assert [r.path for r in arxiv_server.requests] == ["/pdf/2302.07302v1"]  # the version the reader has
    hit = store.search("axolotl", snippets=True)[0]
    assert hit.paper.key == "2302.07302" and hit.match.field == "fulltext" and "axolotl" in hit.match.snippet
    record = store.pdf_record("2302.07302")
    assert record.version == 1 and record.size == outcome.path.stat().st_size and len(record.sha256) == 64
    assert leftovers(store) == []


def test_a_second_run_uses_the_file_it_has(store, arxiv_server, pdf_dir, client):
    store.upsert_arxiv(make_record("2302.07303", "A title"))
    serve(pdf_dir, "2302.07303v1", make_pdf(["cached words"]))
    fetch_pdfs(store, ["2302.07303"], client=client, limits=LIMITS)
    [again] = fetch_pdfs(store, ["2302.07303"], client=client, limits=LIMITS)
    assert again.status == "ok" and not again.downloaded
    assert len(arxiv_server.requests) == 1
    [forced] = fetch_pdfs(store, ["2302.07303"], client=client, limits=LIMITS, force=True)
    assert forced.downloaded and len(arxiv_server.requests) == 2


def test_a_newer_version_read_replaces_the_old_file(store, pdf_dir, client):
    store.upsert_arxiv(make_record("2302.07304", "A title", version=1))
    serve(pdf_dir, "2302.07304v1", make_pdf(["first version: wombat"]))
    serve(pdf_dir, "2302.07304v2", make_pdf(["second version: quokka"]))
    fetch_pdfs(store, ["2302.07304"], client=client, limits=LIMITS)
    store.upsert_arxiv(make_record("2302.07304", "A title", version=2))
    with store.write() as conn:
        conn.execute("UPDATE papers SET read_version = 2 WHERE key = '2302.07304'")
    [outcome] = fetch_pdfs(store, ["2302.07304"], client=client, limits=LIMITS)
    assert outcome.downloaded and outcome.path.name == "2302.07304v2.pdf"
    assert not (store.pdf_dir / "2302.07304v1.pdf").exists()
    assert store.search("quokka") and not store.search("wombat")


def test_old_style_ids_download_to_a_safe_name(store, arxiv_server, pdf_dir, client):
    store.upsert_arxiv(make_record("hep-th/9901001", "Old style", version=2))
    serve(pdf_dir, "hep-th/9901001v2", make_pdf(["old style body: narwhal"]))
    [outcome] = fetch_pdfs(store, ["hep-th/9901001"], client=client, limits=LIMITS)
    assert outcome.status == "ok", outcome.message
    assert outcome.path == store.pdf_dir / "hep-th_9901001v2.pdf"
    assert arxiv_server.requests[-1].path == "/pdf/hep-th/9901001v2"


def test_html_instead_of_a_pdf_is_an_error_and_leaves_nothing_behind(store, arxiv_server, pdf_dir, client):
    store.upsert_arxiv(make_record("2302.07305", "A title"))
    serve(pdf_dir, "2302.07305v1", make_pdf(["fine"]))
    arxiv_server.script([("html", None)])
    [outcome] = fetch_pdfs(store, ["2302.07305"], client=client, limits=LIMITS)
    assert outcome.status == "failed" and "web page instead of the PDF" in outcome.message
    assert store.pdf_record("2302.07305") is None
    assert not store.pdf_dir.exists() or list(store.pdf_dir.iterdir()) == []


@pytest.mark.parametrize(
    "body, words",
    [(b"", "empty"), (b"GIF89a not a pdf at all", "not a PDF"), (HTML_PAGE, "web page")],
)
def test_anything_but_a_pdf_is_refused(tmp_path, arxiv_server, client, body, words):
    arxiv_server.script([(200, body)])
    target = tmp_path / "x.pdf"
    with pytest.raises(DownloadError) as caught:
        download_pdf(client, "2302.07306", 1, target)
    assert words in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_pdf_says_so(tmp_path, arxiv_server, pdf_dir, client):
    with pytest.raises(DownloadError) as caught:
        download_pdf(client, "2302.07307", 1, tmp_path / "x.pdf")
    assert caught.value.kind == "missing" and "HTTP 404" in str(caught.value)


def test_a_connection_dropped_mid_download_is_retried_then_reported(tmp_path, arxiv_server, pdf_dir, client):
    serve(pdf_dir, "2302.07308v1", make_pdf(["x " * 5000]))
    out = tmp_path / "out"
    out.mkdir()
    arxiv_server.script([("drop", None)])
    got = download_pdf(client, "2302.07308", 1, out / "ok.pdf")  # one drop, then the whole file
    assert got.path.read_bytes() == (pdf_dir / "2302.07308v1.pdf").read_bytes()
    arxiv_server.script([("drop", None)] * 5)
    with pytest.raises(DownloadError) as caught:
        download_pdf(client, "2302.07308", 1, out / "bad.pdf")
    assert caught.value.kind == "dropped" and "tried 3 times" in str(caught.value)
    assert sorted(p.name for p in out.iterdir()) == ["ok.pdf"]


def test_rate_limit_answers_are_retried_like_api_calls(tmp_path, arxiv_server, pdf_dir, client):
    serve(pdf_dir, "2302.07309v1", make_pdf(["patience"]))
    arxiv_server.script([(503, None, {"Retry-After": "0"}), (429, None, {"Retry-After": "0"})])
    got = download_pdf(client, "2302.07309", 1, tmp_path / "x.pdf")
    assert got.size == (pdf_dir / "2302.07309v1.pdf").stat().st_size
    assert len(arxiv_server.requests) == 3


def test_a_stalled_server_fails_within_the_client_timeouts(tmp_path, arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, timeout=1, retries=1, backoff=0, deadline=5)
    arxiv_server.script([("hang", None)] * 5)
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        download_pdf(client, "2302.07310", 1, tmp_path / "x.pdf")
    assert time.monotonic() - started < client.deadline + 5
    assert "no answer" in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_downloads_wait_their_turn_like_api_calls(store, arxiv_server, pdf_dir):
    for number in (1, 2):
        store.upsert_arxiv(make_record(f"2302.0731{number}", "A title"))
        serve(pdf_dir, f"2302.0731{number}v1", make_pdf([f"paper {number}"]))
    polite = ArxivClient(base_url=arxiv_server.url, delay=0.6, timeout=3, retries=0)
    fetch_pdfs(store, ["2302.07311", "2302.07312"], client=polite, limits=LIMITS)
    first, second = arxiv_server.requests
    assert second.at - first.at >= 0.55


def test_unknown_papers_and_failures_do_not_stop_the_others(store, arxiv_server, pdf_dir, client):
    store.upsert_arxiv(make_record("2302.07313", "Good"))
    store.upsert_arxiv(make_record("2302.07314", "Bomb"))
    serve(pdf_dir, "2302.07313v1", make_pdf(["good body"]))
    serve(pdf_dir, "2302.07314v1", bomb_pdf(100))
    outcomes = fetch_pdfs(store, ["2302.07314", "9999.99999", "2302.07313"], client=client, limits=LIMITS)
    assert [o.status for o in outcomes] == ["failed", "failed", "ok"]
    assert "safety limit" in outcomes[0].message and "no paper" in outcomes[1].message
    assert store.pdf_record("2302.07314").extract_status == "failed"


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def remote(monkeypatch, arxiv_server, pdf_dir):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url)
    return arxiv_server


def test_readr_pdf_downloads_indexes_and_search_json_shows_the_snippet(cli, store, remote, pdf_dir):
    store.upsert_arxiv(make_record("2302.07320", "A title"))
    serve(pdf_dir, "2302.07320v1", make_pdf(["Body text about a pangolin census"]))
    result = cli("pdf", "2302.07320")
    assert result.exit_code == 0, result.output
    assert "2302.07320: downloaded, indexed" in result.stderr
    found = cli("search", "pangolin", "--json")
    [hit] = json.loads(found.stdout)
    assert hit["id"] == "2302.07320"
    assert hit["match"]["field"] == "fulltext" and hit["match"]["fields"] == ["fulltext"]
    start, end = hit["match"]["highlights"][0]
    assert hit["match"]["snippet"][start:end] == "pangolin"


def test_readr_pdf_exits_non_zero_on_html_truncated_or_empty_files(cli, store, remote, pdf_dir):
    whole = make_pdf(["words " * 400] * 3)
    cases = {"2302.07321": HTML_PAGE, "2302.07322": truncated(whole, 0.5), "2302.07323": b""}
    for key, body in cases.items():
        store.upsert_arxiv(make_record(key, "A title"))
        serve(pdf_dir, f"{key}v1", body)
        result = cli("pdf", key)
        assert result.exit_code == 1, (key, result.output)
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith(f"readr: error: {key}: "), result.stderr
    assert leftovers(store) == []


def test_readr_pdf_json_and_a_summary_error_for_several_papers(cli, store, remote, pdf_dir):
    store.upsert_arxiv(make_record("2302.07324", "Good"))
    store.upsert_arxiv(make_record("2302.07325", "Missing upstream"))
    serve(pdf_dir, "2302.07324v1", make_pdf(["fine"]))
    result = cli("pdf", "2302.07324", "2302.07325", "--json", "--no-progress")
    assert result.exit_code == 1
    outcomes = json.loads(result.stdout)
    assert [o["status"] for o in outcomes] == ["ok", "failed"]
    assert "HTTP 404" in outcomes[1]["message"]
    assert "1 of 2 PDFs failed" in result.stderr
    listed = cli("pdf", "--list", "--json")
    listed_rows = [(r["id"], r["extract_status"], r["version"]) for r in json.loads(listed.stdout)]
    assert listed_rows == [("2302.07324", "ok", 1)]
    nothing = cli("pdf")
    assert nothing.exit_code == 1 and "--list" in nothing.stderr


def test_the_progress_bar_draws_for_several_files_on_a_terminal(store, arxiv_server, pdf_dir, client, monkeypatch):
    from rich.console import Console

    for number in (1, 2, 3):
        store.upsert_arxiv(make_record(f"2302.0733{number}", "A title"))
        serve(pdf_dir, f"2302.0733{number}v1", make_pdf([f"paper {number}"]))
    import io

    buffer = io.StringIO()
    real = Console.__init__

    def terminal_console(self, *args, **kwargs):
        kwargs.update(file=buffer, force_terminal=True, width=100)
        kwargs.pop("stderr", None)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Console, "__init__", terminal_console)
    from readr.cli.progress import pdf_progress

    with pdf_progress(3, enabled=True) as draw:
        outcomes = fetch_pdfs(store, ["2302.07331", "2302.07332", "2302.07333"], client=client, limits=LIMITS,
                              on_event=draw)
    assert [o.status for o in outcomes] == ["ok"] * 3
    assert "PDFs" in buffer.getvalue() and "3/3" in buffer.getvalue()


# --- the one batch function: events, stopping, leftovers ------------------------------------------


def _two_papers(store, pdf_dir, first="2302.07341", second="2302.07342", padding=0):
    for key in (first, second):
        store.upsert_arxiv(make_record(key, "A title"))
        serve(pdf_dir, f"{key}v1", make_pdf([f"body of {key}"]) + b"\n" * padding)
    return [first, second]


def test_the_batch_reports_each_paper_through_events(store, arxiv_server, pdf_dir, client):
    keys = _two_papers(store, pdf_dir)
    events: list[PdfEvent] = []
    outcomes = fetch_pdfs(store, keys, client=client, limits=LIMITS, on_event=events.append)
    assert [o.status for o in outcomes] == ["ok", "ok"]
    for key in keys:
        mine = [e for e in events if e.ref == key]
        assert mine[0].kind == "start" and mine[-1].kind == "done" and mine[-1].outcome.key == key
        assert [e.stage for e in mine if e.kind == "stage"] == ["downloading", "reading text"]
        assert any(e.kind == "bytes" and e.done_bytes > 0 for e in mine)


def test_a_stop_before_a_paper_leaves_the_rest_alone(store, arxiv_server, pdf_dir, client):
    keys = _two_papers(store, pdf_dir)
    done: list[str] = []
    outcomes = fetch_pdfs(store, keys, client=client, limits=LIMITS, should_stop=lambda: bool(done),
                          on_event=lambda e: done.append(e.ref) if e.kind == "done" else None)
    assert [o.key for o in outcomes] == [keys[0]]
    assert store.pdf_record(keys[1]) is None and not list(store.pdf_dir.glob("2302.07342*"))


def test_a_stop_mid_download_records_nothing_and_leaves_no_partial_file(store, arxiv_server, pdf_dir, client):
    [key, _] = _two_papers(store, pdf_dir, padding=1_000_000)  # many chunks
    stop = {"now": False}

    def on_event(event: PdfEvent) -> None:
        if event.kind == "bytes":
            stop["now"] = True  # the reader quits while the file is being written

    outcomes = fetch_pdfs(store, [key], client=client, limits=LIMITS, on_event=on_event,
                          should_stop=lambda: stop["now"])
    assert outcomes == [] and stop["now"]
    deadline = time.monotonic() + 10
    while leftovers(store) and time.monotonic() < deadline:  # the abandoned thread stops at its next chunk
        time.sleep(0.05)
    assert store.pdf_record(key) is None and leftovers(store) == []


def test_partial_files_of_gone_processes_are_removed_and_live_ones_kept(store, arxiv_server, pdf_dir, client):
    import subprocess
    import sys

    keys = _two_papers(store, pdf_dir)
    store.pdf_dir.mkdir(parents=True, exist_ok=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_part = store.pdf_dir / f".2302.07399v1.pdf.{int(gone.stdout)}.part"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            live_part = store.pdf_dir / f".2302.07398v1.pdf.{alive.pid}.part"
            dead_part.write_bytes(b"%PDF-1.4 half")
            live_part.write_bytes(b"%PDF-1.4 another readr is writing this")
            fetch_pdfs(store, keys[:1], client=client, limits=LIMITS)
            assert not dead_part.exists()
            assert live_part.exists()
        finally:
            alive.kill()


def test_readr_pdf_goes_through_the_one_batch_function(cli, store, remote, pdf_dir, monkeypatch):
    """`readr pdf` calls `fetch_pdfs` (the TUI's f too: tests/test_tui_integration.py)."""
    from readr.pdfs import download

    calls: list[list[str]] = []
    real = download.fetch_pdfs

    def recording(store_, refs, **kwargs):
        calls.append(list(refs))
        return real(store_, calls[-1], **kwargs)

    monkeypatch.setattr(download, "fetch_pdfs", recording)
    keys = _two_papers(store, pdf_dir)
    result = cli("pdf", keys[0], keys[1], keys[0], "--no-progress")
    assert result.exit_code == 0, result.output
    assert calls == [keys]  # once, each paper once


# --- done when: the real arXiv PDFs through a local server ----------------------------------------


def _real_papers() -> list[Path]:
    folder = SHARED / "arxiv_papers"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    return sorted(folder.glob("*.pdf"))


def test_real_arxiv_pdfs_make_body_only_words_searchable(cli, store, remote, pdf_dir):
    papers = _real_papers()
    keys = []
    for path in papers:
        match = re.fullmatch(r"(\d{4}\.\d{4,5})(?:v(\d+))?", path.stem)
        key, version = match.group(1), int(match.group(2) or 1)
        shutil.copy(path, pdf_dir / f"{key}v{version}.pdf")
        store.upsert_arxiv(make_record(key, f"Paper {key}", version=version, abstract="An abstract."))
        keys.append(key)
    result = cli("pdf", *keys, "--no-progress")
    assert result.exit_code == 0, result.output  # every one read cleanly: no damage, no failure
    for key in keys:
        record = store.pdf_record(key)
        assert record.extract_status == "ok" and record.pages >= 1 and record.error is None
        text = store.fulltext(key)
        assert len(text) > 2000
        # A long ordinary word of this paper's body (a whole token, as the index sees it) that no
        # other paper in the library contains.
        tokens = {t for t in re.findall(r"\w+", text) if len(t) >= 9 and t.isalpha() and t.islower()}
        others = " ".join(store.fulltext(k) or "" for k in keys if k != key).lower()
        word = next(w for w in sorted(tokens, key=lambda w: (-len(w), w)) if w not in others)
        found = json.loads(cli("search", word, "--json").stdout)
        assert [h["id"] for h in found] == [key], word
        assert found[0]["match"]["field"] == "fulltext" and word.lower() in found[0]["match"]["snippet"].lower()


def test_every_bad_shared_pdf_served_by_arxiv_gives_a_clean_error_in_time(cli, store, remote, pdf_dir):
    folder = SHARED / "bad"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    readable = {"unencrypted", "r3-empty-password"}  # the encrypted folder's controls open without a password
    encrypted = sorted(p for p in (SHARED / "encrypted").glob("*.pdf") if p.stem not in readable)
    bad = sorted(folder.glob("*.pdf")) + encrypted
    for number, path in enumerate(bad, start=1):
        key = f"2303.{number:05d}"
        store.upsert_arxiv(make_record(key, path.stem))
        shutil.copy(path, pdf_dir / f"{key}v1.pdf")
        started = time.monotonic()
        result = cli("pdf", key, "--timeout", "20")
        assert time.monotonic() - started < 30
        assert result.exit_code == 1, (path.name, result.output)
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(f"readr: error: {key}: ") and "Traceback" not in result.stderr, result.stderr
        assert store.pdf_record(key).extract_status in ("failed", "damaged")


def test_a_gzip_encoded_answer_is_not_mistaken_for_a_cut_off_one(tmp_path):
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    data = make_pdf(["compressed on the wire " * 300])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            body = gzip.compress(data)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))  # the compressed length
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = ArxivClient(base_url=f"http://127.0.0.1:{server.server_address[1]}", delay=0, retries=0)
        got = download_pdf(client, "2101.00001", 1, tmp_path / "x.pdf")
        assert got.path.read_bytes() == data and got.size == len(data)
    finally:
        server.shutdown()
        server.server_close()
