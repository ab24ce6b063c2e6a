"""readr open: the PDF in a viewer (argument list, no shell), else the web page in a browser."""

from __future__ import annotations

import json
import sys
import time
import webbrowser
from pathlib import Path

import pytest

from readr.pdfs import open as opener
from tests.conftest import make_record
from tests.pdf_samples import make_pdf

HOSTILE = "2105.00001"


@pytest.fixture
def viewer(tmp_path, monkeypatch):
    """A fake PDF viewer (a real process) that writes the arguments it got to a file."""
    log = tmp_path / "viewer-args.json"
    script = tmp_path / "viewer.py"
    script.write_text(
        "import json, sys\n"
        f"open({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    monkeypatch.setenv("READR_PDF_VIEWER", f"{sys.executable} {script} --page 1")

    def args(timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and log.read_text():
                return json.loads(log.read_text())
            time.sleep(0.05)
        pytest.fail("the viewer never ran")

    return args


@pytest.fixture
def browser(monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    return opened


def attach(store, key: str, name: str) -> Path:
    store.pdf_dir.mkdir(parents=True, exist_ok=True)
    path = store.pdf_dir / name
    path.write_bytes(make_pdf(["hello"]))
    store.record_pdf(key, path.relative_to(store.data_dir).as_posix(), "0" * 64, path.stat().st_size, 1)
    return path


def test_open_hands_the_pdf_to_the_viewer_as_one_argument(cli, store, viewer, browser):
    store.upsert_arxiv(make_record(HOSTILE, "A title"))
    # A file name a shell would act on: if a shell were involved, `touch` would run.
    path = attach(store, HOSTILE, "x; touch pwned $(id) `id` 'q.pdf")
    result = cli("open", HOSTILE)
    assert result.exit_code == 0, result.output
    assert viewer() == ["--page", "1", str(path.resolve())]
    assert not (Path.cwd() / "pwned").exists() and browser == []


def test_without_a_pdf_the_abs_page_opens_in_the_browser(cli, store, browser):
    store.upsert_arxiv(make_record(HOSTILE, "A title"))
    result = cli("open", HOSTILE)
    assert result.exit_code == 0, result.output
    assert browser == [f"https://arxiv.org/abs/{HOSTILE}v1"]


def test_web_flag_prefers_the_page(cli, store, viewer, browser):
    store.upsert_arxiv(make_record(HOSTILE, "A title"))
    attach(store, HOSTILE, "a.pdf")
    assert cli("open", HOSTILE, "--web").exit_code == 0
    assert browser == [f"https://arxiv.org/abs/{HOSTILE}v1"]


def test_only_http_links_reach_the_browser(cli, store, browser):
    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://ok.example/a b"):
        assert opener.safe_url(url) is None
    assert opener.safe_url("https://example.org/post?x=1") == "https://example.org/post?x=1"
    with store.write() as conn:
        conn.execute(
            "INSERT INTO papers (key, title, url, source, status, added_at) "
            "VALUES ('web-evil', 'Evil', 'javascript:alert(1)', 'web', 'to-read', '2024-01-01T00:00:00')"
        )
    result = cli("open", "web-evil")
    assert result.exit_code == 1 and "no PDF and no web link" in result.stderr
    assert browser == []


def test_a_missing_viewer_is_a_clear_error(cli, store, monkeypatch):
    monkeypatch.setenv("READR_PDF_VIEWER", "/nonexistent/viewer-binary")
    store.upsert_arxiv(make_record(HOSTILE, "A title"))
    attach(store, HOSTILE, "a.pdf")
    result = cli("open", HOSTILE)
    assert result.exit_code == 1 and "cannot start" in result.stderr and "READR_PDF_VIEWER" in result.stderr


def test_the_opener_never_uses_a_shell(store, monkeypatch):
    seen = {}

    class FakePopen:
        def __init__(self, command, **kwargs):
            seen["command"], seen["kwargs"] = command, kwargs

    monkeypatch.setattr(opener.subprocess, "Popen", FakePopen)
    monkeypatch.delenv("READR_PDF_VIEWER", raising=False)
    monkeypatch.setattr(opener.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "xdg-open" else None)
    monkeypatch.setattr(opener.sys, "platform", "linux")
    store.upsert_arxiv(make_record(HOSTILE, "A title"))
    path = attach(store, HOSTILE, "a.pdf")
    opened = opener.open_paper(store, HOSTILE)
    assert opened.what == "pdf"
    assert seen["command"] == ["/usr/bin/xdg-open", str(path.resolve())]
    assert not seen["kwargs"].get("shell") and seen["kwargs"]["start_new_session"]
