"""Rules on top of the relevance model (readr/rank_rules.py): muted and boosted authors, words and
categories, kept in config.toml, edited with `readr rank`, applied to the ranked Inbox, to like:
searches and to arrival order, and shown as reasons."""

from __future__ import annotations

import json
import random

import pytest

from readr import ranking, tag_ranking
from readr.config import change_rank_rules, load_config, save_rank_rules
from readr.errors import ReadrError
from readr.query import parse_query
from readr.rank_rules import MUTE_PENALTY, RankRules, RuleError, rules_from_toml
from tests.conftest import make_record
from tests.test_ranking import AUTHORS, fill, subject_record


def rules(**tables) -> RankRules:
    """rules(mute={"author": ["X"]}, boost={"word": ["y"]})"""
    result = RankRules()
    for action, table in tables.items():
        for kind, values in table.items():
            for value in values:
                result = result.with_rule(action, kind, value)
    return result


def ranked(lib, with_rules: RankRules) -> ranking.Ranking:
    return ranking.rank(lib, lib.list_papers(statuses=["inbox"]), rules=with_rules)


def test_config_holds_the_rules_and_says_what_is_wrong(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[rank.mute]\nauthors = ["Otto  Lenz"]\ncategories = ["cs.CV"]\n[rank.boost]\nwords = ["Diffusion"]\n'
    )
    loaded = load_config(path).rank_rules
    assert loaded.listing() == [
        ("mute", "author", "Otto Lenz"), ("mute", "category", "cs.CV"), ("boost", "word", "diffusion")
    ]
    for bad in ('[rank.mute]\npeople = ["x"]\n', '[rank]\nmute = 3\n', '[rank.boost]\nwords = 3\n',
                '[rank]\nhide = {}\n', '[rank.mute]\nwords = [""]\n'):
        path.write_text(bad)
        with pytest.raises(ReadrError, match="bad setting in"):
            load_config(path)


def test_saving_rules_keeps_every_other_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# mine\ntheme = "nord"\n\n[keymap]\n"mark-read" = "x"  # keep\n\n[rank.mute]\nwords = ["old"]\n')
    save_rank_rules(rules(boost={"author": ['Yann "The" LeCun']}), path)
    text = path.read_text()
    assert text.startswith('# mine\ntheme = "nord"\n\n[keymap]\n"mark-read" = "x"  # keep\n')
    assert "old" not in text
    config = load_config(path)
    assert config.theme == "nord" and config.keymap == {"mark-read": "x"}
    assert config.rank_rules.listing() == [("boost", "author", 'Yann "The" LeCun')]
    save_rank_rules(RankRules(), path)
    assert "[rank" not in path.read_text() and load_config(path).theme == "nord"


def test_rules_written_another_way_are_left_for_the_user(tmp_path):
    path = tmp_path / "config.toml"
    original = 'rank = { mute = { words = ["x"] } }\n'
    path.write_text(original)
    with pytest.raises(ReadrError, match="edit them there by hand"):
        save_rank_rules(rules(mute={"word": ["y"]}), path)
    assert path.read_text() == original


def test_change_rank_rules_adds_removes_and_refuses_what_is_not_there(tmp_path):
    path = tmp_path / "config.toml"
    change_rank_rules("mute", "authors", ["Otto Lenz", "otto lenz"], path=path)
    change_rank_rules("boost", "cat", ["cs.LG"], path=path)
    assert load_config(path).rank_rules.listing() == [("mute", "author", "otto lenz"), ("boost", "category", "cs.LG")]
    with pytest.raises(ReadrError, match=r"'Nobody' is not a muted author \(muted authors: otto lenz\)"):
        change_rank_rules("mute", "author", ["Nobody"], present=False, path=path)
    with pytest.raises(ReadrError, match="not a kind of rule"):
        change_rank_rules("mute", "colour", ["red"], path=path)
    with pytest.raises(ReadrError, match=r"'cs.CV' is not a boosted category \(boosted categories: cs.LG\)"):
        change_rank_rules("boost", "category", ["cs.CV"], present=False, path=path)
    change_rank_rules("mute", "author", ["OTTO LENZ"], present=False, path=path)
    assert load_config(path).rank_rules.listing() == [("boost", "category", "cs.LG")]
    with pytest.raises(RuleError):
        rules_from_toml({"mute": {"authors": ["\x1b[31m"]}})


def test_a_muted_author_goes_to_the_bottom_and_says_why(store):
    inbox = fill(store)  # graphs kept, optics dismissed
    before = ranked(store, RankRules())
    top = before.papers[0]
    name = top.paper.authors[0]
    after = ranked(store, rules(mute={"author": [name.upper()]}))
    muted = [s for s in after.papers if name in s.paper.authors]
    assert muted and after.papers[-len(muted):] == muted
    for scored in muted:
        assert scored.why[0] == f"muted: author {name}"
        old = next(s.score for s in before.papers if s.paper.key == scored.paper.key)
        assert scored.score == pytest.approx(old - MUTE_PENALTY, abs=1e-3)
        assert f"author: {name}" not in scored.why  # not said twice
    assert inbox  # the rest keeps the model's order
    rest = [s.paper.key for s in after.papers if s not in muted]
    assert rest == [s.paper.key for s in before.papers if name not in s.paper.authors]


def test_a_boosted_word_or_category_lifts_papers(store):
    inbox = fill(store)
    boosted = ranked(store, rules(boost={"category": ["physics"]}))  # an archive: physics.optics
    assert {s.paper.key for s in boosted.papers[:6]} >= set(inbox["optics"][:1])
    optics = [s for s in boosted.papers if s.paper.key in inbox["optics"]]
    assert all(s.why[0] == "boosted: category physics" for s in optics)
    plain = {s.paper.key: s.score for s in ranked(store, RankRules()).papers}
    assert all(s.score == pytest.approx(plain[s.paper.key] + 1.0, abs=1e-3) for s in optics)
    phrase = ranked(store, rules(boost={"word": ["Protein Folding"]}))
    hits = [s for s in phrase.papers if "boosted: word protein folding" in s.why]
    assert all("protein folding" in f"{s.paper.title} {s.paper.abstract}".lower() for s in hits)
    assert all("protein folding" not in f"{s.paper.title} {s.paper.abstract}".lower()
               for s in phrase.papers if s not in hits)


def test_rules_move_papers_in_arrival_order_too(store):
    rng = random.Random(3)
    for i, subject in enumerate(["graphs", "optics", "proteins", "graphs", "optics"]):
        store.upsert_arxiv(subject_record(f"2104.{i:05d}", subject, rng, authors=[AUTHORS[subject]]), status="inbox")
    arrival = store.list_papers(statuses=["inbox"])
    result = ranking.rank(store, arrival, rules=rules(mute={"author": ["Grace Graphwell"]},
                                                      boost={"category": ["q-bio.BM"]}))
    assert result.note is not None and "arrival order" in result.note
    keys = [s.paper.key for s in result.papers]
    assert keys[0] == "2104.00002" and set(keys[-2:]) == {"2104.00000", "2104.00003"}
    assert [k for k in keys if k in ("2104.00001", "2104.00004")] == [
        p.key for p in arrival if p.key in ("2104.00001", "2104.00004")
    ]
    assert all(s.score is None for s in result.papers)
    assert result.papers[0].why == ["boosted: category q-bio.BM"]
    assert result.papers[-1].why == ["muted: author Grace Graphwell"]


def test_rules_apply_to_like_searches(store):
    from tests.test_tag_ranking import tagged_library

    inbox = tagged_library(store)
    found = tag_ranking.like_search(store, parse_query("like:bio status:inbox"), limit=50,
                                    rules=rules(mute={"category": ["q-bio.BM"]}))
    keys = [p.key for p, _, _ in found.papers]
    assert set(keys[-6:]) == set(inbox["proteins"])
    assert all(why[0] == "muted: category q-bio.BM" for p, _, why in found.papers[-6:])


def test_the_reader_rules_come_from_the_config_file(store):
    inbox = fill(store)
    name = AUTHORS["graphs"]
    change_rank_rules("mute", "author", [name])
    keys = [s.paper.key for s in ranking.rank(store, store.list_papers(statuses=["inbox"])).papers]
    graphs_by_grace = [k for k in inbox["graphs"] if name in store.get(k).authors]
    assert graphs_by_grace and set(keys[-len(graphs_by_grace):]) == set(graphs_by_grace)


def test_cli_rank_commands(cli, db_path, monkeypatch):
    from readr.store import Store

    with Store(db_path) as lib:
        fill(lib)
    empty = cli("rank")  # alone: the rules
    assert empty.exit_code == 0 and "no rules yet" in empty.stderr
    assert cli("rank", "mute", "author", "Otto Lenz").exit_code == 0
    done = cli("rank", "boost", "word", "graph", "spectral")
    assert done.exit_code == 0 and "boosted: graph, spectral (3 rules in all" in done.stderr
    listed = cli("rank", "rules")
    assert listed.stdout.splitlines() == [
        "muted    author    Otto Lenz", "boosted  word      graph", "boosted  word      spectral"
    ]
    data = json.loads(cli("rank", "rules", "--json").stdout)
    assert data["mute"]["authors"] == ["Otto Lenz"] and data["boost"]["words"] == ["graph", "spectral"]
    bad = cli("rank", "unmute", "author", "Nobody")
    assert bad.exit_code == 1 and bad.stderr.startswith("readr: error: 'Nobody' is not a muted author")
    assert len(bad.stderr.splitlines()) == 1
    assert cli("rank", "mute", "colour", "x").exit_code == 1
    assert cli("rank", "unboost", "word", "graph").exit_code == 0
    # The reasons in the JSON and the table.
    papers = json.loads(cli("list", "--status", "inbox", "--sort", "relevance", "--json").stdout)
    lenz = [p for p in papers if "Otto Lenz" in p["authors"]]
    assert lenz and papers[-len(lenz):] == lenz and all(p["why"][0] == "muted: author Otto Lenz" for p in lenz)
    spectral = [p for p in papers if "spectral" in (p["title"] + " " + p["abstract"]).lower()]
    assert spectral and all("boosted: word spectral" in p["why"] for p in spectral)
    monkeypatch.setenv("COLUMNS", "200")
    table = " ".join(cli("list", "--status", "inbox", "--sort", "relevance").stdout.split())
    assert "muted: author Otto Lenz" in table and "boosted: word spectral" in table


def test_cli_arrival_order_shows_the_rules_reasons(cli, db_path, monkeypatch):
    from readr.store import Store

    with Store(db_path) as lib:
        lib.upsert_arxiv(make_record("2104.00001", title="Plain", authors=["A. B."]), status="inbox")
        lib.upsert_arxiv(make_record("2104.00002", title="Loud", authors=["Otto Lenz"]), status="inbox")
    cli("rank", "mute", "author", "Otto Lenz")
    result = cli("list", "--status", "inbox", "--sort", "relevance", "--json")
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == ["2104.00001", "2104.00002"]
    assert data[1]["why"] == ["muted: author Otto Lenz"] and data[1]["score"] is None
    assert "arrival order" in result.stderr
    monkeypatch.setenv("COLUMNS", "200")
    table = cli("list", "--status", "inbox", "--sort", "relevance").stdout
    rows = [line.split("\t") for line in table.splitlines()]
    assert [row[0] for row in rows] == ["", ""]  # arrival order: no score
    assert rows[-1][1] == "2104.00002" and rows[-1][7] == "muted: author Otto Lenz"


def test_muted_papers_are_not_likely_for_you(store):
    inbox = fill(store)
    graphs = [p for p in store.list_papers(statuses=["inbox"]) if p.key in inbox["graphs"]]
    assert ranking.likely_for_you(store, graphs) == len(graphs)
    change_rank_rules("mute", "category", ["cs.LG"])
    assert ranking.likely_for_you(store, graphs) == 0


EVERY_KIND = rules(
    mute={"author": [AUTHORS["optics"]], "word": ["laser PHOTON"], "category": ["q-bio"]},
    boost={"word": ["graph", "50%_off", "neural message"], "category": ["cs.LG"]},
)


@pytest.mark.parametrize("with_rules", [
    EVERY_KIND,
    rules(boost={"author": [AUTHORS["graphs"]]}),  # no word: no title or abstract is read
    rules(mute={"word": ["über"]}, boost={"word": ["cavity"]}),  # a word beyond ASCII
])
def test_rules_read_only_their_fields_and_give_the_reasons_full_rows_give(store, with_rules):
    inbox = fill(store)
    umlaut = store.get(inbox["graphs"][1])
    store.upsert_arxiv(make_record(umlaut.arxiv_id, title="ÜBER graphs", version=2, abstract=umlaut.abstract,
                                   categories=umlaut.categories, authors=umlaut.authors), status="inbox")
    spaced = store.get(inbox["optics"][1])
    store.upsert_arxiv(make_record(spaced.arxiv_id, title="Laser\n  photon, 50%_off", version=2,
                                   abstract="Neural\tmessage passing.", categories=spaced.categories,
                                   authors=spaced.authors), status="inbox")
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    by_model = ranking.model_ranking(store, ids)
    from_rows = ranking.apply_rules(by_model, {r.id: r for r in store.ranking_rows(ids)}, with_rules)
    listed = ranking.rank_ids(store, ids, rules=with_rules)
    assert (listed.ids, listed.scores, listed.why) == (from_rows.ids, from_rows.scores, from_rows.why)
    assert any(reason.startswith(("muted:", "boosted:")) for reasons in listed.why.values() for reason in reasons)


def test_a_cached_listing_with_rules_tokenizes_and_reads_no_full_rows(store, monkeypatch):
    from tests.test_ranking import _count_scoring

    fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    first = ranking.rank_ids(store, ids, rules=EVERY_KIND)
    scored = _count_scoring(monkeypatch, store)
    again = ranking.rank_ids(store, ids, rules=EVERY_KIND)
    assert scored == []
    assert (again.ids, again.scores, again.why) == (first.ids, first.scores, first.why)
