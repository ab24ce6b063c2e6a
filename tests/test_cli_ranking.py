"""The CLI over relevance ranking: `readr list --sort`, `readr related`, and fetch's "likely for you"."""

from __future__ import annotations

import json

import pytest

from readr import ranking
from readr.store import Store
from tests.conftest import make_record
from tests.test_cli_arxiv import arxiv_env  # noqa: F401 (a fixture)
from tests.test_ranking import fill


@pytest.fixture
def history(db_path):
    with Store(db_path) as lib:
        return fill(lib)


def test_list_inbox_by_relevance_as_json(cli, history):
    result = cli("list", "--status", "inbox", "--sort", "relevance", "--json")
    assert result.exit_code == 0, result.output
    papers = json.loads(result.stdout)
    assert len(papers) == 18
    scores = [p["score"] for p in papers]
    assert all(isinstance(s, float) for s in scores) and scores == sorted(scores, reverse=True)
    assert {p["id"] for p in papers[:6]} == set(history["graphs"])
    assert {p["id"] for p in papers[-6:]} == set(history["optics"])
    assert all(isinstance(p["why"], list) and all(isinstance(w, str) for w in p["why"]) for p in papers)
    assert papers[0]["why"]
    assert result.stderr == ""


def test_list_by_relevance_piped_prints_score_columns_and_reasons(cli, history):
    result = cli("list", "--status", "inbox", "--sort", "relevance", "-n", "3")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(len(row) == 8 for row in rows)  # score, the six list columns, why
    scores = [float(row[0]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert {row[1] for row in rows} <= set(history["graphs"])
    assert all(row[2] == "inbox" for row in rows) and rows[0][7]
    assert "showing 3 of 18" in result.stderr


def test_list_by_relevance_on_a_terminal_is_a_table_with_scores_and_reasons(history, db_path, monkeypatch, capsys):
    from readr.cli import output
    from readr.store import Store as LibraryStore

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with LibraryStore(db_path) as lib:
        ranked = ranking.rank_ids(lib, lib.list_paper_ids(statuses=["inbox"], tag=None, include_catalogue=False))
        shown = lib.papers_by_ids(ranked.ids[:3])
        output.print_papers(shown, scores=[(ranked.scores.get(p.id), ranked.why.get(p.id, [])) for p in shown])
    table = capsys.readouterr().out
    assert "score" in table and "why" in table
    assert sum(key in table for key in history["graphs"]) == 3


def test_relevance_without_history_lists_in_arrival_order_and_says_why(cli, db_path):
    with Store(db_path) as lib:
        for i in range(3):
            lib.upsert_arxiv(make_record(f"2104.0000{i}", title=f"Paper {i}"), status="inbox")
    by_relevance = cli("list", "--status", "inbox", "--sort", "relevance", "--json")
    assert by_relevance.exit_code == 0, by_relevance.output
    arrival = cli("list", "--status", "inbox", "--json")
    assert [p["id"] for p in json.loads(by_relevance.stdout)] == [p["id"] for p in json.loads(arrival.stdout)]
    assert all(p["score"] is None and p["why"] == [] for p in json.loads(by_relevance.stdout))
    assert "in arrival order: relevance is learned from at least 5 kept and 3 dismissed" in by_relevance.stderr


def test_sort_by_title_and_published_for_any_list(cli, db_path):
    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2101.00001", title="beta", published="2020-01-01T00:00:00+00:00"))
        lib.upsert_arxiv(make_record("2101.00002", title="Alpha", published="2022-01-01T00:00:00+00:00"))
        lib.upsert_arxiv(make_record("2101.00003", title="gamma", published="2021-01-01T00:00:00+00:00"))
    titles = json.loads(cli("list", "--sort", "title", "--json").stdout)
    assert [p["title"] for p in titles] == ["Alpha", "beta", "gamma"]
    published = json.loads(cli("list", "--sort", "published", "--json").stdout)
    assert [p["title"] for p in published] == ["Alpha", "gamma", "beta"]
    added = json.loads(cli("list", "--sort", "added", "--json").stdout)
    assert [p["id"] for p in added] == [p["id"] for p in json.loads(cli("list", "--json").stdout)]
    bad = cli("list", "--sort", "stars")
    assert bad.exit_code == 1
    assert "unknown order 'stars' for --sort: use added, published, title, relevance" in bad.stderr


def test_related_as_json(cli, history):
    result = cli("related", history["proteins"][0], "--limit", "4", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert len(found) == 4
    assert all(p["categories"] == ["q-bio.BM"] for p in found)
    assert [p["score"] for p in found] == sorted((p["score"] for p in found), reverse=True)
    table = cli("related", history["proteins"][0], "-n", "2")
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert table.exit_code == 0 and len(rows) == 2
    assert all(len(row) == 8 and float(row[0]) and row[7] == "" for row in rows)  # related gives no reasons
    missing = cli("related", "9999.99999")
    assert missing.exit_code == 1 and "9999.99999" in missing.stderr


def test_fetch_says_how_many_new_papers_are_likely_for_you(cli, db_path, arxiv_env):  # noqa: F811
    with Store(db_path) as lib:
        fill(lib)
    assert cli("follow", "cat", "math.CO").exit_code == 0
    result = cli("fetch", "--since", "2007-01-01")
    assert result.exit_code == 0, result.output
    with Store(db_path) as lib:
        new = [p for p in lib.list_papers(statuses=["inbox"]) if not p.key.startswith("2102.")]
        assert new
        expected = ranking.likely_for_you(lib, new)
    assert expected is not None
    assert f"\n{expected} likely for you (readr list --status inbox --sort relevance)\n" in result.stderr


def test_fetch_without_history_says_nothing_of_relevance(cli, arxiv_env):  # noqa: F811
    assert cli("follow", "cat", "math.CO").exit_code == 0
    result = cli("fetch", "--since", "2007-01-01")
    assert result.exit_code == 0, result.output
    assert "new in the inbox" in result.stderr and "likely for you" not in result.stderr
