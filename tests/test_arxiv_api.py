"""readr.arxiv_api against the local replay of export.arxiv.org (tests/arxiv_server.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readr.arxiv_api import DEFAULT_BASE, MAX_RETRY_AFTER, ArxivClient, ArxivError
from readr.ids import ArxivId, parse_arxiv_id
from tests.arxiv_server import FEED_OPEN, corpus, error_feed

PDFS = Path("/work/shared/fixtures/pdfs/arxiv_papers")


def ids(*texts):
    return [parse_arxiv_id(t) for t in texts]


@pytest.fixture
def client(arxiv_server):
    return ArxivClient(base_url=arxiv_server.url, delay=0, timeout=5, retries=3, backoff=0.01, deadline=10)


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "\r" not in message


# --------------------------------------------------------------------------
# fetching ids


def test_batch_of_ids_in_one_request(client, arxiv_server):
    result = client.fetch_ids(ids("0704.0002", "hep-ex/0406020", "1605.08386v1"))
    assert result.missing == [] and result.errors == []
    by_id = {r.arxiv_id: r for r in result.records}
    assert by_id["0704.0002"].title == "Sparsity-certifying Graph Decompositions"
    assert by_id["hep-ex/0406020"].title == "Sparticle Reconstruction at LHC"
    assert by_id["1605.08386"].title == "Heat-bath random walks with Markov bases"
    # one id_list request carrying all three
    assert len(arxiv_server.api_requests) == 1
    assert arxiv_server.api_requests[0].params["id_list"] == "0704.0002,hep-ex/0406020,1605.08386v1"

    heat = by_id["1605.08386"]
    assert heat.version == 1
    assert heat.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert heat.published == "2016-05-26T17:59:46+00:00"
    assert heat.primary_category == "math.CO"
    assert heat.abs_url == "https://arxiv.org/abs/1605.08386v1"
    assert heat.pdf_url == "https://arxiv.org/pdf/1605.08386v1"
    assert {"href": heat.pdf_url, "rel": "related", "title": "pdf"} in heat.links
    assert heat.abstract == heat.abstract.strip() and heat.abstract.startswith("Graphs on lattice points")

    sparsity = by_id["0704.0002"]  # from the Kaggle sample: latest version is v2
    assert sparsity.version == 2
    assert sparsity.published == "2007-03-31T02:26:18+00:00"
    assert sparsity.updated == "2008-12-13T17:26:00+00:00"
    assert sparsity.authors == ["Ileana Streinu", "Louis Theran"]
    assert sparsity.categories == ["math.CO", "cs.CG"]

    lhc = by_id["hep-ex/0406020"]
    assert lhc.version is None or lhc.version == 1
    assert lhc.comment.startswith("Presented at XXXIX Rencontres de Moriond")


def test_requested_version_is_the_records_version(client):
    result = client.fetch_ids(ids("0704.0002v1", "0704.0002"))
    versions = sorted((r.version, r.updated) for r in result.records)
    assert versions == [(1, "2007-03-31T02:26:18+00:00"), (2, "2008-12-13T17:26:00+00:00")]


def test_old_style_ids(client):
    result = client.fetch_ids(ids("astro-ph/0601001", "quant-ph/0201082v1", "math.GT/0211159"))
    assert result.errors == [] and result.missing == []
    got = {r.arxiv_id: r for r in result.records}
    assert set(got) == {"astro-ph/0601001", "quant-ph/0201082", "math/0211159"}
    assert got["quant-ph/0201082"].version == 1
    assert got["astro-ph/0601001"].journal_ref


def test_single_old_style_id_replays_recording(client, arxiv_server):
    result = client.fetch_ids(ids("hep-ex/0406020v1"))
    assert [r.title for r in result.records] == ["Sparticle Reconstruction at LHC"]
    answered_with = arxiv_server.api_requests[0].answered_with
    assert answered_with.endswith("recording id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.json")


def test_empty_results_go_to_missing(client, arxiv_server):
    # 0808.05394 is well formed for arXiv but does not exist: the real recording is an empty feed
    result = client.fetch_ids([ArxivId("0808.05394")])
    assert result.records == [] and result.errors == [] and result.missing == ["0808.05394"]
    assert "recording" in arxiv_server.api_requests[-1].answered_with
    result = client.fetch_ids(ids("2301.99999", "0704.0003"))
    assert [r.arxiv_id for r in result.records] == ["0704.0003"]
    assert result.missing == ["2301.99999"]


def test_error_feed_names_the_bad_id(client, arxiv_server):
    result = client.fetch_ids([ArxivId("abc")])
    assert result.records == [] and result.missing == []
    assert result.errors == ["abc: incorrect id format for abc"]
    assert "recording id_abc" in arxiv_server.api_requests[0].answered_with  # the real HTTP 400 feed


def test_bad_id_in_a_batch_does_not_lose_the_good_ones(client, arxiv_server):
    batch = [*ids("0704.0002"), ArxivId("abc"), *ids("1605.08386"), ArxivId("cond—mat/0709123")]
    result = client.fetch_ids(batch)
    assert sorted(r.arxiv_id for r in result.records) == ["0704.0002", "1605.08386"]
    assert sorted(result.errors) == sorted(
        ["abc: incorrect id format for abc", "cond—mat/0709123: incorrect id format for cond—mat/0709123"]
    )
    assert result.missing == []
    assert [r.answered_with.split()[-1] for r in arxiv_server.api_requests] == ["error", "error", "assembled"]


def test_strings_are_parsed_and_invalid_ones_reported_without_a_request(client, arxiv_server):
    result = client.fetch_ids(["arXiv:0704.0002", "https://arxiv.org/abs/1605.08386v1", "1413.0001"])
    assert len(result.records) == 2
    assert result.errors == ["1413.0001: month 13 is not a month"]
    assert arxiv_server.api_requests[0].params["id_list"] == "0704.0002,1605.08386v1"


def test_batches_and_progress(client, arxiv_server):
    progress = []
    wanted = ids("0704.0001", "0704.0002", "0704.0003", "0704.0004", "0704.0005")
    result = client.fetch_ids(wanted, batch_size=2, on_progress=lambda d, t: progress.append((d, t)))
    assert [r.arxiv_id for r in result.records] == [str(i) for i in wanted]
    assert [len(r.params["id_list"].split(",")) for r in arxiv_server.api_requests] == [2, 2, 1]
    assert progress == [(2, 5), (4, 5), (5, 5)]


def test_later_batch_failing_keeps_what_arrived(client, arxiv_server):
    arxiv_server.script([(200, None)] + [(503, None)] * 10)
    result = client.fetch_ids(ids("0704.0001", "0704.0002", "0704.0003"), batch_size=1)
    assert [r.arxiv_id for r in result.records] == ["0704.0001"]
    assert len(result.errors) == 2
    assert all("503" in e for e in result.errors)
    assert [e.split(":")[0] for e in result.errors] == ["0704.0002", "0704.0003"]
    assert len(arxiv_server.api_requests) == 1 + 4  # batch 2 tried 1 + 3 retries, batch 3 not tried


def test_first_batch_failing_raises_with_partial(client, arxiv_server):
    arxiv_server.default = (503, None)
    with pytest.raises(ArxivError) as info:
        client.fetch_ids(ids("0704.0001", "0704.0002"), batch_size=1)
    assert "503" in str(info.value) and one_line(str(info.value))
    assert [e.split(":")[0] for e in info.value.partial.errors] == ["0704.0001", "0704.0002"]


def test_cut_off_feed_keeps_complete_entries(client, arxiv_server):
    arxiv_server.default = ("truncated", None)
    result = client.fetch_ids(ids("0704.0001", "0704.0002", "0704.0003"))
    assert [r.arxiv_id for r in result.records] == ["0704.0001", "0704.0002"]
    assert result.records[1].title == "Sparsity-certifying Graph Decompositions"
    assert len(result.errors) == 1 and result.errors[0].startswith("0704.0003: ")
    assert "cut-off" in result.errors[0]
    assert len(arxiv_server.api_requests) == 4  # retried before settling for what arrived


# --------------------------------------------------------------------------
# search and newest


def test_search_replays_recording(client, arxiv_server):
    results = client.search("testing", max_results=10)
    assert len(results) == 10
    assert "recording q_testing_s0_m10" in arxiv_server.api_requests[0].answered_with
    params = arxiv_server.api_requests[0].params
    assert params["search_query"] == "testing" and params["sortBy"] == "relevance"
    assert len({r.arxiv_id for r in results}) == 10
    assert all(r.title == " ".join(r.title.split()) for r in results)


def test_fielded_query_passes_through_unchanged(client, arxiv_server):
    query = "au:del_maestro AND ti:checkerboard"
    results = client.search(query, max_results=10)
    assert arxiv_server.api_requests[0].params["search_query"] == query
    assert [r.arxiv_id for r in results] == ["cond-mat/0603029"]


def test_search_pages_and_empty_search(client, arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, page_size=4)
    results = client.search("cat:hep-ph", max_results=10, sort="submittedDate")
    assert len(results) == 10
    assert [r.params["start"] for r in arxiv_server.api_requests] == ["0", "4", "8"]
    assert [r.published for r in results] == sorted((r.published for r in results), reverse=True)
    assert client.search("zzzqqqxxx nothing matches this", max_results=5) == []
    with pytest.raises(ArxivError, match="empty search"):
        client.search("   ")
    with pytest.raises(ArxivError, match="unknown sort"):
        client.search("x", sort="bogus")


def test_search_rejected_by_arxiv(client, arxiv_server):
    arxiv_server.script([(400, error_feed("max_results must be an integer", "max_results_int"))])
    with pytest.raises(ArxivError) as info:
        client.search("electron")
    assert str(info.value) == "arXiv rejected the query: max_results must be an integer"


def test_newest_stops_at_since(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, page_size=5)
    since = "2007-04-02T12:00:00Z"
    everything = [e for e in corpus().latest_entries() if "hep-ph" in e.categories]
    expected = sorted((e.published for e in everything if e.published >= "2007-04-02T12:00:00Z"), reverse=True)
    assert 5 < len(expected) < len(everything) - 5  # the cut falls mid-way through the pages

    results = client.newest("cat:hep-ph", since=since)
    assert [r.published.replace("+00:00", "Z") for r in results] == expected
    pages_needed = len(expected) // 5 + 1
    assert len(arxiv_server.api_requests) == pages_needed  # no page fetched past the cut
    assert all(r.params["sortBy"] == "submittedDate" and r.params["sortOrder"] == "descending"
               for r in arxiv_server.api_requests)

    assert len(client.newest("cat:hep-ph", since=None, max_results=7)) == 7
    with pytest.raises(ArxivError, match="not an ISO date"):
        client.newest("cat:hep-ph", since="last tuesday")


# --------------------------------------------------------------------------
# legacy (2016-2019) feeds


def test_legacy_id_list_feed(client, arxiv_server):
    result = client.fetch_ids(ids("1312.2021", "math/9501234"), batch_size=1)
    assert all("recording pubs/" in r.answered_with for r in arxiv_server.api_requests)
    rec = {r.arxiv_id: r for r in result.records}
    assert set(rec) == {"1312.2021", "math/9501234"}
    assert rec["math/9501234"].journal_ref
    assert rec["1312.2021"].published.endswith("+00:00")


def test_legacy_search_feed(client, arxiv_server):
    results = client.search("au:del_maestro", max_results=10)
    answered_with = arxiv_server.api_requests[0].answered_with
    assert "recording arxiv.py_legacy_2016/search_query=au:del_maestro.xml" in answered_with
    assert len(results) == 10
    by_id = {r.arxiv_id: r for r in results}
    striped = by_id["cond-mat/0603029"]
    # the recorded title has a hard line break; it is collapsed
    assert striped.title == (
        "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    )
    assert all("\n" not in r.title for r in results)
    assert all(r.abstract == r.abstract.strip() for r in results)
    assert any(r.doi for r in results) and any(r.comment for r in results)


def test_legacy_entry_inside_an_assembled_feed(client):
    result = client.fetch_ids(ids("1111.2011v2", "0704.0002"))
    assert {r.arxiv_id: r.version for r in result.records} == {"1111.2011": 2, "0704.0002": 2}


# --------------------------------------------------------------------------
# failures


def test_503_then_200(client, arxiv_server):
    arxiv_server.script([(503, None), (200, None)])
    result = client.fetch_ids(ids("0704.0002"))
    assert [r.title for r in result.records] == ["Sparsity-certifying Graph Decompositions"]
    assert [r.answered_with.split()[0] for r in arxiv_server.api_requests] == ["503", "200"]


def test_429_retry_after_is_honoured(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, backoff=0, deadline=10)
    arxiv_server.script([(429, None, {"Retry-After": "1"}), (200, None)])
    assert len(client.fetch_ids(ids("0704.0002")).records) == 1
    first, second = arxiv_server.api_requests
    assert second.at - first.at >= 0.9


def test_429_then_error(client, arxiv_server):
    arxiv_server.default = (429, None, {"Retry-After": "0"})
    with pytest.raises(ArxivError) as info:
        client.search("electron")
    message = str(info.value)
    assert one_line(message) and "429" in message and "rate-limiting" in message
    assert len(arxiv_server.api_requests) == 1 + client.retries


def test_huge_retry_after_is_capped_and_bounded_by_the_deadline(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, deadline=2)
    arxiv_server.default = (503, None, {"Retry-After": "86400"})
    started = time.monotonic()
    with pytest.raises(ArxivError, match="503"):
        client.search("electron")
    assert time.monotonic() - started < 2
    assert MAX_RETRY_AFTER <= 60


def test_retry_after_is_capped(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, backoff=0, deadline=10, max_retry_after=0.5)
    arxiv_server.script([(429, None, {"Retry-After": "3600"}), (200, None)])
    started = time.monotonic()
    assert len(client.fetch_ids(ids("0704.0002")).records) == 1
    assert 0.45 < time.monotonic() - started < 3


def test_server_that_never_answers(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, timeout=0.4, retries=2, backoff=0, deadline=10)
    arxiv_server.default = ("hang", None)
    started = time.monotonic()
    with pytest.raises(ArxivError) as info:
        client.fetch_ids(ids("0704.0002"))
    elapsed = time.monotonic() - started
    assert "no answer" in str(info.value) and one_line(str(info.value))
    assert 1.1 < elapsed < 3
    assert len(arxiv_server.api_requests) == 3


def test_deadline_bounds_a_hang_whatever_the_timeout_and_retries(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0, timeout=30, retries=10, backoff=0, deadline=1.0)
    arxiv_server.default = ("hang", None)
    started = time.monotonic()
    with pytest.raises(ArxivError, match="no answer"):
        client.search("electron")
    assert time.monotonic() - started < 2.0


def test_default_settings_bound_a_hang_under_a_minute():
    client = ArxivClient(base_url="http://127.0.0.1:9")
    assert client.base_url == "http://127.0.0.1:9"
    assert client.max_seconds_per_request < 60
    # by construction: every attempt's timeout is cut to what is left of the deadline
    assert client.timeout <= client.deadline and client.deadline + client.delay < 60


def test_dropped_connection(client, arxiv_server):
    arxiv_server.script([("drop", None), (200, None)])
    assert len(client.fetch_ids(ids("0704.0002")).records) == 1
    arxiv_server.default = ("drop", None)
    with pytest.raises(ArxivError) as info:
        client.search("electron")
    assert "dropped" in str(info.value) and one_line(str(info.value))


def test_html_instead_of_a_feed(client, arxiv_server):
    arxiv_server.script([("html", None), (200, None)])
    assert len(client.search("au:del_maestro", max_results=10)) == 10
    arxiv_server.default = ("html", None)
    with pytest.raises(ArxivError) as info:
        client.fetch_ids(ids("0704.0002"))
    assert "web page instead of an Atom feed" in str(info.value)


def test_sporadic_empty_page_is_retried(client, arxiv_server):
    # arXiv sometimes answers a page with no entries although totalResults says there are some
    empty = ("<?xml version='1.0' encoding='UTF-8'?>\n" + FEED_OPEN
             + "<opensearch:totalResults>31</opensearch:totalResults>"
             + "<opensearch:startIndex>0</opensearch:startIndex></feed>").encode()
    arxiv_server.script([(200, empty), (200, None)])
    assert len(client.search("au:del_maestro", max_results=10)) == 10
    assert len(arxiv_server.api_requests) == 2


def test_malformed_xml(client, arxiv_server):
    arxiv_server.default = ("malformed", None)
    with pytest.raises(ArxivError, match="malformed"):
        client.search("electron")
    with pytest.raises(ArxivError, match="malformed"):
        client.fetch_ids(ids("0704.0002"))


def test_connection_refused_is_quick_and_clear(closed_port):
    client = ArxivClient(base_url=f"http://127.0.0.1:{closed_port}", delay=0)  # default retries/backoff
    started = time.monotonic()
    with pytest.raises(ArxivError) as info:
        client.fetch_ids(ids("0704.0002"))
    assert time.monotonic() - started < 10
    assert str(info.value) == f"cannot connect to 127.0.0.1:{closed_port}: connection refused"
    with pytest.raises(ArxivError, match="connection refused"):
        client.search("electron")


def test_dns_failure_is_quick_and_clear(monkeypatch):
    real = socket.getaddrinfo

    def no_dns(host, *args, **kwargs):
        if host == "export.arxiv.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = ArxivClient(base_url="http://export.arxiv.invalid", delay=0)
    started = time.monotonic()
    with pytest.raises(ArxivError) as info:
        client.search("electron")
    assert time.monotonic() - started < 10
    assert str(info.value) == "cannot connect to export.arxiv.invalid: host name not found (offline?)"


# --------------------------------------------------------------------------
# politeness, cleaning, configuration


def test_delay_is_honoured_and_shared_between_clients(arxiv_server):
    one = ArxivClient(base_url=arxiv_server.url, delay=0.3)
    two = ArxivClient(base_url=arxiv_server.url, delay=0.3)
    one.fetch_ids(ids("0704.0001"))
    one.fetch_ids(ids("0704.0002"))
    two.search("au:del_maestro", max_results=10)
    one.get(arxiv_server.url + "/pdf/none")  # PDF downloads share the same limit
    times = [r.at for r in arxiv_server.requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3 and all(g >= 0.28 for g in gaps), gaps


def test_no_delay_when_zero(arxiv_server):
    client = ArxivClient(base_url=arxiv_server.url, delay=0)
    started = time.monotonic()
    for _ in range(4):
        client.fetch_ids(ids("0704.0001"))
    assert time.monotonic() - started < 1.0


def test_control_characters_are_stripped(client, arxiv_server):
    entry = next(e for e in corpus().entries["1605.08386"].values())
    dirty = (
        entry.xml.replace("Heat-bath random walks", "Heat-bath\x7f \x9b31m random\n\n   walks\x85")
        .replace("<name>Caprice Stanley</name>", "<name>Caprice\x9d Stanley</name>")
    )
    body = ("<?xml version='1.0' encoding='UTF-8'?>\n" + FEED_OPEN
            + "<opensearch:totalResults>1</opensearch:totalResults>" + dirty + "</feed>").encode()
    arxiv_server.script([(200, body)])
    record = client.fetch_ids(ids("1605.08386")).records[0]
    assert record.title == "Heat-bath 31m random walks with Markov bases"
    assert record.authors[0] == "Caprice Stanley"
    for value in [record.title, record.abstract, *record.authors]:
        assert not any(0x7F <= ord(c) <= 0x9F or (ord(c) < 32 and c not in "\t\n") for c in value)


def test_env_configuration(monkeypatch, arxiv_server):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url + "/")
    monkeypatch.setenv("READR_ARXIV_DELAY", "0.25")
    client = ArxivClient()
    assert client.base_url == arxiv_server.url and client.delay == 0.25
    assert len(client.fetch_ids(ids("0704.0002")).records) == 1
    monkeypatch.delenv("READR_ARXIV_URL")
    monkeypatch.delenv("READR_ARXIV_DELAY")
    default = ArxivClient()
    assert default.base_url == DEFAULT_BASE == "https://export.arxiv.org" and default.delay == 3.0
    monkeypatch.setenv("READR_ARXIV_DELAY", "soon")
    with pytest.raises(ArxivError, match="READR_ARXIV_DELAY"):
        ArxivClient()


def test_pdf_download_through_the_shared_client(tmp_path, client, arxiv_server):
    shutil.copy(PDFS / "1111.2011v2.pdf", tmp_path / "1111.2011v2.pdf")
    arxiv_server.serve_pdfs_from(tmp_path)
    arxiv_server.script([(503, None)])
    resp = client.get(arxiv_server.url + "/pdf/1111.2011")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.content[:5] == b"%PDF-"
    assert resp.content == (PDFS / "1111.2011v2.pdf").read_bytes()
    assert client.get(arxiv_server.url + "/pdf/2301.00001").status_code == 404


def test_import_is_light():
    code = (
        "import sys, readr.arxiv_api\n"
        "heavy = [m for m in ('arxiv', 'requests', 'textual', 'lxml') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
