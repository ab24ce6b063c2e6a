"""arXiv commands end to end against the local replay server (real recorded responses)."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from readr.store import Store
from tests.conftest import make_record, popen_with_ctrl_c


@pytest.fixture
def arxiv_env(arxiv_server, monkeypatch):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url)
    monkeypatch.setenv("READR_ARXIV_DELAY", "0")
    # Keep retries fast in tests; the defaults (2 s backoff) are what users get.
    from readr import arxiv_api
    from readr.cli import arxiv_cmds

    monkeypatch.setattr(arxiv_cmds, "_client", lambda: arxiv_api.ArxivClient(backoff=0.05, timeout=2, deadline=8))
    return arxiv_server


def library_bytes(db_path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def test_add_three_forms_stores_real_titles_and_search_finds_them(cli, db_path, arxiv_env):
    result = cli("add", "0704.0002", "hep-ex/0406020", "https://arxiv.org/pdf/1605.08386v1.pdf")
    assert result.exit_code == 0, result.output
    # One batched id_list request for all three.
    assert len(arxiv_env.api_requests) == 1
    requested = set(arxiv_env.api_requests[0].params["id_list"].split(","))
    assert requested == {"0704.0002", "hep-ex/0406020", "1605.08386v1"}
    papers = {p["id"]: p for p in json.loads(cli("list", "--json").stdout)}
    assert papers["0704.0002"]["title"] == "Sparsity-certifying Graph Decompositions"
    assert papers["hep-ex/0406020"]["title"] == "Sparticle Reconstruction at LHC"
    assert papers["1605.08386"]["title"] == "Heat-bath random walks with Markov bases"
    assert papers["1605.08386"]["version"] == 1
    assert all(p["status"] == "to-read" for p in papers.values())
    for word, key in (("Sparsity", "0704.0002"), ("Sparticle", "hep-ex/0406020"), ("Markov", "1605.08386")):
        found = json.loads(cli("search", "--json", word).stdout)
        assert key in [p["id"] for p in found]


def test_bad_ids_change_nothing_and_send_no_request(cli, db_path, arxiv_env):
    cli("add", "0704.0002")
    before = library_bytes(db_path)
    for bad in ("abc", "1413.0001", "0704.0002 extra", "https://arxiv.org/list/cs.LG", "ftp://x"):
        result = cli("add", "0704.0001", bad)
        assert result.exit_code == 1
        assert len(result.stderr.strip().splitlines()) == 1
    assert len(arxiv_env.api_requests) == 1
    assert library_bytes(db_path) == before


def test_no_network_is_a_clear_error_within_ten_seconds(cli, db_path, closed_port, monkeypatch):
    monkeypatch.setenv("READR_ARXIV_URL", f"http://127.0.0.1:{closed_port}")
    Store(db_path).close()
    before = library_bytes(db_path)
    started = time.monotonic()
    result = cli("add", "0704.0002")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "connect" in result.stderr.lower()
    assert library_bytes(db_path) == before


def test_http_errors_leave_the_library_unchanged(cli, db_path, arxiv_env):
    Store(db_path).close()
    before = library_bytes(db_path)
    arxiv_env.script([(503, None)] * 10)
    result = cli("add", "0704.0002")
    assert result.exit_code == 1
    assert "503" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert library_bytes(db_path) == before


def test_503_then_200_succeeds(cli, arxiv_env):
    arxiv_env.script([(503, None), (200, None)])
    result = cli("add", "0704.0002")
    assert result.exit_code == 0, result.output
    assert len(arxiv_env.api_requests) == 2


def test_unknown_id_is_reported_and_the_rest_kept(cli, arxiv_env):
    result = cli("add", "0704.0002", "0704.0999")
    assert result.exit_code == 1
    assert "not found on arXiv: 0704.0999" in result.stderr
    assert [p["id"] for p in json.loads(cli("list", "--json").stdout)] == ["0704.0002"]


def test_adding_again_keeps_reading_state(cli, arxiv_env):
    cli("add", "0704.0002")
    cli("note", "0704.0002", "Mine **kept**")
    result = cli("add", "0704.0002")
    assert result.exit_code == 0 and "already in library" in result.stderr
    assert json.loads(cli("show", "--json", "0704.0002").stdout)["summary"] == "Mine **kept**"


def test_arxiv_search_with_add_and_json(cli, arxiv_env):
    result = cli("arxiv", "--limit", "3", "testing", "--add", "1 3")
    assert result.exit_code == 0, result.output
    assert "1." in result.stdout and "3." in result.stdout
    assert len(json.loads(cli("list", "--json").stdout)) == 2
    results = json.loads(cli("arxiv", "--json", "--limit", "2", "ti:graph").stdout)
    assert len(results) == 2 and all("graph" in r["title"].lower() for r in results)
    assert cli("arxiv", "testing", "--add", "99").exit_code == 1


def test_follow_fetch_into_the_inbox_and_only_new_ones_next_time(cli, arxiv_env):
    assert cli("follow", "cat", "math.CO").exit_code == 0
    assert cli("follow", "author", "Louis", "Theran").exit_code == 0
    assert cli("follow", "category", "not a category!").exit_code == 1
    listing = cli("follow").stdout
    assert "math.CO" in listing and "Louis Theran" in listing
    result = cli("fetch", "--since", "2007-01-01")
    assert result.exit_code == 0, result.output
    inbox = json.loads(cli("list", "--status", "inbox", "--json").stdout)
    assert any(p["id"] == "0704.0002" for p in inbox)  # Streinu & Theran, math.CO
    assert all("math.CO" in p["categories"] or "Louis Theran" in p["authors"] for p in inbox)
    queries = [r.params.get("search_query") for r in arxiv_env.api_requests]
    assert "cat:math.CO" in queries and 'au:"Louis Theran"' in queries
    again = cli("fetch")
    assert again.exit_code == 0 and "0 new in the inbox" in again.stderr
    assert cli("follow", "--rm", "cat", "math.CO").exit_code == 0
    assert "math.CO" not in cli("follow").stdout


def test_fetch_without_follows_explains_what_to_do(cli):
    result = cli("fetch")
    assert result.exit_code == 1 and "follow" in result.stderr


def test_refresh_flags_a_newer_version_than_the_one_read(cli, arxiv_env):
    assert cli("add", "0704.0001v1").exit_code == 0
    cli("read", "0704.0001")
    result = cli("refresh", "--json")
    assert result.exit_code == 0, result.output
    newer = json.loads(result.stdout)
    assert [p["id"] for p in newer] == ["0704.0001"]
    assert newer[0]["read_version"] == 1 and newer[0]["latest_version"] == 2
    shown = cli("show", "0704.0001").stdout
    assert "v2 is out" in shown


def test_fetch_says_from_which_day_it_looked(cli, arxiv_env, clock):
    from datetime import timedelta

    assert cli("follow", "cat", "math.CO").exit_code == 0
    first = cli("fetch")
    assert first.exit_code == 0, first.output
    week_ago = (clock.now_utc() - timedelta(days=7)).date().isoformat()
    assert f"0 new in the inbox since {week_ago} (first fetch: the last 7 days), 0 already known" in first.stderr
    clock.advance(timedelta(days=2))
    assert cli("follow", "author", "Louis", "Theran").exit_code == 0
    second = cli("fetch")
    assert second.exit_code == 0, second.output
    fetched_before = (clock.now_utc() - timedelta(days=2)).date().isoformat()
    assert f"category math.CO: 0 new since {fetched_before}\n" in second.stderr
    new_follow_from = (clock.now_utc() - timedelta(days=7)).date().isoformat()
    assert f"author Louis Theran: 0 new since {new_follow_from} (first fetch" in second.stderr
    explicit = cli("fetch", "--since", "2007-01-01")
    assert "new in the inbox since 2007-01-01," in explicit.stderr


def test_a_url_that_is_not_an_arxiv_paper_is_refused_unless_added_as_a_web_page(cli, db_path, arxiv_env):
    typo = cli("add", "https://arxiv.og/abs/0704.0010")
    assert typo.exit_code == 1
    assert typo.stderr.strip().splitlines() == [
        "readr: error: 'https://arxiv.og/abs/0704.0010' is not an arXiv paper "
        "(did you mean https://arxiv.org/abs/0704.0010?); to add it as a web page, use --web"
    ]
    assert cli("add", "https://example.org/post").exit_code == 1
    assert json.loads(cli("list", "--json").stdout) == []
    assert arxiv_env.api_requests == []

    added = cli("add", "--web", "https://example.org/post", "--title", "A blog post")
    assert added.exit_code == 0, added.output
    again = cli("add", "--web", "https://example.org/post")
    assert again.exit_code == 0, again.output
    assert "already in library (to-read)" in again.stderr and "refreshed" not in again.stderr
    [entry] = json.loads(cli("list", "--json").stdout)
    assert entry["title"] == "A blog post"
    assert cli("add", "0704.0002", "--title", "x").exit_code == 1  # --title is for web pages


def test_add_puts_a_paper_from_the_inbox_or_dismissed_on_the_to_read_list(cli, arxiv_env):
    def status(key):
        return json.loads(cli("show", "--json", key).stdout)["status"]

    assert cli("add", "--inbox", "0704.0002", "0704.0001").exit_code == 0
    assert cli("status", "dismissed", "0704.0001").exit_code == 0
    result = cli("add", "0704.0002", "0704.0001")
    assert result.exit_code == 0, result.output
    assert "already in library (moved from the inbox to to-read): 0704.0002" in result.stderr
    assert "already in library (moved from dismissed to to-read): 0704.0001" in result.stderr
    assert status("0704.0002") == status("0704.0001") == "to-read"

    cli("status", "reading", "0704.0002")
    cli("read", "0704.0001")
    result = cli("add", "0704.0002", "0704.0001")
    assert "already in library (reading, metadata refreshed): 0704.0002" in result.stderr
    assert "already in library (read, metadata refreshed): 0704.0001" in result.stderr
    assert (status("0704.0002"), status("0704.0001")) == ("reading", "read")
    cli("status", "to-read", "0704.0002")
    assert cli("add", "--inbox", "0704.0002").exit_code == 0
    assert status("0704.0002") == "to-read"  # --inbox is for new papers: never a demotion


def test_ctrl_c_while_arxiv_answers_says_nothing_was_changed(db_path, arxiv_env, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    Store(db_path).close()
    before = library_bytes(db_path)
    arxiv_env.script([("hang", None)])
    env = dict(os.environ, READR_ARXIV_URL=arxiv_env.url)
    process = popen_with_ctrl_c([sys.executable, "-m", "readr", "--db", str(db_path), "add", "0704.0002"],
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not arxiv_env.api_requests and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # until the request is on the wire (an event in another process)
        assert arxiv_env.api_requests, process.stderr.read() if process.poll() is not None else "no request"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert stderr.decode().strip().splitlines() == ["interrupted; nothing was changed"]
    assert library_bytes(db_path) == before


def test_ctrl_c_while_writing_says_how_many_papers_were_added(cli, arxiv_env, monkeypatch):
    real_upsert = Store.upsert_arxiv
    calls = []

    def upsert_then_ctrl_c(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_upsert(self, *args, **kwargs)

    monkeypatch.setattr(Store, "upsert_arxiv", upsert_then_ctrl_c)
    result = cli("add", "0704.0001", "0704.0002", "0704.0003", "0704.0004")
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == ["interrupted after 2 of 4 papers were added; the others were not"]
    monkeypatch.setattr(Store, "upsert_arxiv", real_upsert)
    assert len(json.loads(cli("list", "--json").stdout)) == 2


def test_add_moves_a_paper_of_the_library_to_to_read_when_arxiv_cannot_be_reached(cli, db_path):
    # READR_ARXIV_URL points at the discard port (tests/conftest.py): nothing answers.
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "Waiting in the inbox"), status="inbox")
    result = cli("add", "2101.00001", "2101.00002")
    assert result.exit_code == 1  # one id could not be looked up, and the metadata is as it was
    assert "already in library (moved from the inbox to to-read): 2101.00001" in result.stderr
    assert "failed: 2101.00002: " in result.stderr
    assert "failed: metadata not refreshed: " in result.stderr
    assert json.loads(cli("show", "--json", "2101.00001").stdout)["status"] == "to-read"
    assert [p["arxiv_id"] for p in json.loads(cli("list", "--json").stdout)] == ["2101.00001"]  # nothing new

    result = cli("add", "2101.00003")  # nothing known: arXiv's error, as before
    assert result.exit_code == 1 and "cannot connect" in result.stderr


def test_add_offline_puts_a_catalogue_paper_on_the_to_read_list(cli, db_path):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00004", "Only in the catalogue"), status=None)
    result = cli("add", "2101.00004")
    assert "already in library (moved from the catalogue to to-read): 2101.00004" in result.stderr
    assert json.loads(cli("show", "--json", "2101.00004").stdout)["status"] == "to-read"
