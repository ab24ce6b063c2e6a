"""`like:TAG` (readr/tag_ranking.py): search results ordered by a model of the papers tagged TAG,
cached per tag, with its fallbacks and errors, in `readr search` (both paths) and the query language."""

from __future__ import annotations

import json

import pytest

from readr import ranking, tag_ranking
from readr.errors import QueryError
from readr.query import parse_query
from tests.test_ranking import fill, mean_rank


def tagged_library(lib, tagged: int = 5) -> dict[str, list[str]]:
    """The reader keeps optics and dismisses graphs; they tagged `tagged` protein papers "bio"
    (proteins are otherwise background). Returns the inbox keys by subject."""
    inbox = fill(lib, kept="optics", dismissed="graphs", background="proteins")
    proteins = [p.key for p in lib.list_papers(include_catalogue=True) if p.status is None][:tagged]
    lib.add_tags(proteins, ["bio"])
    return inbox


def like_keys(lib, text: str, limit: int = 50) -> tuple[list[str], tag_ranking.LikeResults]:
    found = tag_ranking.like_search(lib, parse_query(text), limit=limit)
    return [paper.key for paper, _, _ in found.papers], found


def test_like_parses_as_an_order_and_refuses_two_tags_or_none():
    query = parse_query("like:#Graphs status:inbox week:this")
    assert query.like == "Graphs" and query.statuses == ["inbox"] and query.weeks
    assert query.fts_expression() is None  # an order, not words to match
    assert parse_query("like:bio like:bio").like == "bio"
    with pytest.raises(QueryError, match="one like: per search"):
        parse_query("like:bio like:graphs")
    with pytest.raises(QueryError, match="like: needs a value, e.g. like:graphs"):
        parse_query("like:")


def test_the_papers_most_like_the_tag_come_first(store):
    inbox = tagged_library(store)
    keys, found = like_keys(store, "like:bio status:inbox")
    assert found.note is None
    assert set(keys[:6]) == set(inbox["proteins"])
    assert len(keys) == 18
    scores = [score for _, score, _ in found.papers]
    assert scores == sorted(scores, reverse=True) and all(s is not None for s in scores)
    # Its own model: the reader's model (12 optics kept, 5 proteins tagged) puts optics higher.
    reader = [s.paper.key for s in ranking.rank(store, store.list_papers(statuses=["inbox"])).papers]
    assert mean_rank(reader, inbox["optics"]) < mean_rank(reader, inbox["proteins"])


def test_reasons_are_the_tags_words(store):
    from tests.test_ranking import SUBJECTS

    tagged_library(store)
    _, found = like_keys(store, "like:bio status:inbox", limit=3)
    vocabulary = set(SUBJECTS["proteins"].split()) | {"q-bio.BM", "Petra", "Fold"}
    for _, _, why in found.papers:
        assert why and all(set(reason.replace(":", " ").split()) & vocabulary for reason in why), why


def test_like_combines_with_words_and_filters_and_leaves_out_the_tagged_papers(store):
    inbox = tagged_library(store)
    keys, _ = like_keys(store, "like:bio")
    tagged = {p.key for p in store.list_papers(tag="bio", include_catalogue=True)}
    assert not tagged & set(keys)  # the reader has those
    assert set(keys) >= set(inbox["proteins"])
    keys, _ = like_keys(store, "like:bio tag:bio")
    assert set(keys) == tagged  # asked for with tag:
    keys, _ = like_keys(store, "like:bio cat:q-bio status:inbox")
    assert set(keys) == set(inbox["proteins"])
    keys, _ = like_keys(store, "like:bio status:to-read")
    assert keys and all(store.get(k).status == "to-read" for k in keys)


def test_a_tag_on_too_few_papers_keeps_the_usual_order_and_says_so(store):
    tagged_library(store, tagged=tag_ranking.MIN_TAGGED - 1)
    keys, found = like_keys(store, "like:bio status:inbox")
    usual = [hit.paper.key for hit in store.search(parse_query("status:inbox"), limit=50)]
    assert keys == usual
    assert found.note == (
        f"in the usual order: like:bio learns from at least {tag_ranking.MIN_TAGGED} papers tagged bio "
        f"(you have {tag_ranking.MIN_TAGGED - 1})"
    )
    assert all(score is None for _, score, _ in found.papers)
    assert store.ranking_model("tag:bio") is None


def test_an_unknown_tag_is_a_one_line_error_naming_the_tags(store):
    tagged_library(store)
    with pytest.raises(QueryError) as error:
        like_keys(store, "like:nosuch")
    assert str(error.value) == "like:nosuch: no paper is tagged nosuch (your tags: bio)"


def test_the_tag_model_is_cached_under_its_name_and_retrained_when_its_papers_change(store, monkeypatch):
    inbox = tagged_library(store)
    like_keys(store, "like:bio status:inbox")
    cached = store.ranking_model("tag:bio")
    assert cached is not None and cached[0] == store.tag_fingerprint("bio")
    assert store.ranking_model(ranking.READER_MODEL) is None  # the tag's model is not the reader's

    trained = []
    train = tag_ranking.train
    monkeypatch.setattr(tag_ranking, "train", lambda *a, **k: trained.append(1) or train(*a, **k))
    store.set_status([inbox["graphs"][0]], "dismissed")  # the reader's triage, not the tag's papers
    like_keys(store, "like:BIO status:inbox")  # tags match without case
    assert trained == []
    store.add_tags([inbox["proteins"][0]], ["bio"])
    like_keys(store, "like:bio status:inbox")
    assert trained == [1]
    assert store.ranking_model("tag:bio")[0] == store.tag_fingerprint("bio") != cached[0]


def test_a_corrupt_tag_model_is_retrained(store):
    tagged_library(store)
    store.save_ranking_model("tag:bio", store.tag_fingerprint("bio"), ranking.FORMAT, b"garbage")
    keys, found = like_keys(store, "like:bio status:inbox")
    assert found.note is None
    ranking.Model.from_bytes(store.ranking_model("tag:bio")[2])


def test_cli_search_like_as_json_and_table(cli, db_path):
    from readr.store import Store

    with Store(db_path) as lib:
        inbox = tagged_library(lib)
    result = cli("search", "--json", "like:bio", "status:inbox")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {d["id"] for d in data[:6]} == set(inbox["proteins"])
    assert all(isinstance(d["score"], float) and isinstance(d["why"], list) for d in data)
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)
    table = cli("search", "like:bio", "status:inbox", "-n", "3")
    assert table.exit_code == 0
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert len(rows) == 3 and all(len(row) == 8 and float(row[0]) <= 100 for row in rows)
    assert [float(row[0]) for row in rows] == sorted((float(row[0]) for row in rows), reverse=True)
    assert all(row[7] for row in rows)  # each with its reasons
    assert "showing 3 of 18" in table.stderr
    unknown = cli("search", "like:nosuch")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "readr: error: like:nosuch: no paper is tagged nosuch (your tags: bio)"


def test_cli_search_like_with_too_few_papers_says_so_in_one_line(cli, db_path):
    from readr.store import Store

    with Store(db_path) as lib:
        tagged_library(lib, tagged=1)
    result = cli("search", "--json", "like:bio", "status:inbox")
    assert result.exit_code == 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "like:bio learns from at least 3 papers tagged bio (you have 1)" in result.stderr
    assert all(d["score"] is None for d in json.loads(result.stdout))


def test_search_starts_without_scikit_learn_unless_it_has_like(tmp_path, db_path):
    from readr.store import Store
    from tests.test_cli_startup import run_probe

    with Store(db_path) as lib:
        tagged_library(lib)
    plain = run_probe(tmp_path, db_path, "search", "protein")
    assert plain["code"] == 0, plain["stderr"]
    assert not {m for m in plain["modules"] if m.split(".")[0] in ("sklearn", "numpy", "scipy")}
    liked = run_probe(tmp_path, db_path, "search", "--json", "like:bio", "status:inbox")
    assert liked["code"] == 0, liked["stderr"]
    assert "sklearn" in {m.split(".")[0] for m in liked["modules"]}  # trained: the model was not cached
    assert json.loads(liked["stdout"])[0]["score"] is not None
    cached = run_probe(tmp_path, db_path, "search", "--json", "like:bio", "status:inbox")
    assert "sklearn" not in {m.split(".")[0] for m in cached["modules"]}  # a cached model scores without it
