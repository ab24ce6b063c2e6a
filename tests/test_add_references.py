"""Adding papers by pasted ids and URLs: the core lookup and add that `readr add` and the TUI's add
dialog both call, with a line for every id or URL (added, not found, not an id)."""

from __future__ import annotations

import pytest

from readr.arxiv_api import ArxivClient
from readr.ingest import add_looked_up, is_search_query, look_up_references, pasted_tokens
from readr.store import Store


@pytest.fixture
def client(arxiv_server):
    return ArxivClient(base_url=arxiv_server.url, delay=0, timeout=3, retries=0, backoff=0)


def test_pasted_lines_split_into_tokens():
    assert pasted_tokens(" 2101.00001,2101.00002;  https://arxiv.org/abs/1605.08386 ") == [
        "2101.00001", "2101.00002", "https://arxiv.org/abs/1605.08386"]
    assert pasted_tokens("   ") == []


def test_a_line_of_words_is_a_search_and_a_line_with_an_id_is_not():
    assert is_search_query("quantum error correction")
    assert is_search_query("ti:diffusion AND au:Ho")
    assert not is_search_query("2101.00001 https://arxiv.org/abs/hep-ex/0406020v1")
    assert not is_search_query("foo 0704.0001")
    # Meant as an id or URL, even when mistyped: reported, not searched for.
    assert not is_search_query("0704.123456")
    assert not is_search_query("arxiv.og/abs/0704.0010")
    assert not is_search_query("hep-th/99")
    assert not is_search_query("")


def test_look_up_reports_each_token_and_writes_nothing(tmp_path, client, arxiv_server):
    lookup = look_up_references(client, ["foo", "0704.0001", "0704.9999v2"])
    assert [r.arxiv_id for r in lookup.records] == ["0704.0001"]
    assert lookup.missing == ["0704.9999v2"]
    assert len(lookup.invalid) == 1 and "'foo' is not an arXiv id or URL" in lookup.invalid[0]
    assert len(arxiv_server.api_requests) == 1
    assert not arxiv_server.api_requests[0].params.get("search_query")  # no arXiv search


def test_add_looked_up_stores_the_picks_and_reports_every_token(tmp_path, client):
    lookup = look_up_references(client, ["foo", "0704.0001", "0704.0002", "0704.9999"])
    with Store(tmp_path / "lib.db") as lib:
        picked = [r for r in lookup.records if r.arxiv_id == "0704.0002"]
        report = add_looked_up(lib, lookup.only(picked, []), status="to-read")
        assert [p.key for p in report.added] == ["0704.0002"]
        assert lib.find("0704.0001") is None, "only the picks are stored"
        lines = report.lines()
        assert lines[0].startswith("added 0704.0002: ")
        assert "not found on arXiv: 0704.9999" in lines
        assert any(line.startswith("'foo' is not an arXiv id or URL") for line in lines)
        assert report.failed
        again = add_looked_up(lib, lookup.only(picked, []))
        assert again.lines()[0].startswith("already in library (to-read, metadata refreshed): 0704.0002")


def test_readr_add_reports_each_id(cli, arxiv_server, monkeypatch):
    from readr.cli import arxiv_cmds

    monkeypatch.setattr(arxiv_cmds, "_client", lambda: ArxivClient(base_url=arxiv_server.url, delay=0, retries=0))
    result = cli("add", "0704.0001", "0704.9999")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("added 0704.0001: ")
    assert lines[1] == "not found on arXiv: 0704.9999"
