"""Relevance ranking (readr/ranking.py): what it learns from kept, dismissed and background
papers, the reasons it gives, its fallbacks, and its cache in the library."""

from __future__ import annotations

import random
import re
import zlib

import pytest

from readr import ranking
from tests.conftest import make_record

# Three subjects with words of their own, and a pool of words every abstract uses.
SUBJECTS = {
    "graphs": "graph neural message passing node embedding spectral convolution vertex edge",
    "optics": "laser photon cavity optical fiber waveguide interferometer coherence lens",
    "proteins": "protein folding enzyme residue amino peptide binding ligand molecular",
}
SHARED = "we model data analysis experiment theory measure large small system accuracy efficient"
AUTHORS = {"graphs": "Grace Graphwell", "optics": "Otto Lenz", "proteins": "Petra Fold"}


def subject_record(arxiv_id: str, subject: str, rng: random.Random, **fields) -> dict:
    own, shared = SUBJECTS[subject].split(), SHARED.split()
    words = rng.sample(own, 5) + rng.sample(shared, 6)
    rng.shuffle(words)
    fields.setdefault("authors", [AUTHORS[subject] if rng.random() < 0.5 else f"Someone {rng.randrange(999)}"])
    fields.setdefault("abstract", " ".join(words) + ".")
    return make_record(
        arxiv_id, title=" ".join(words[:4]).capitalize(),
        categories=[{"graphs": "cs.LG", "optics": "physics.optics", "proteins": "q-bio.BM"}[subject]], **fields,
    )


def fill(lib, kept="graphs", dismissed="optics", background="proteins", n=12, inbox_each=6, seed=1):
    """kept/dismissed/background subjects as the reader's history; an inbox of each subject.
    Returns {subject: [inbox keys]}."""
    rng = random.Random(seed)
    number = iter(range(1000, 9999))
    for subject, status in ((kept, "to-read"), (dismissed, "dismissed"), (background, None)):
        for _ in range(n):
            lib.upsert_arxiv(subject_record(f"2101.{next(number):05d}", subject, rng), status=status)
    inbox: dict[str, list[str]] = {}
    for subject in SUBJECTS:
        for _ in range(inbox_each):
            key = f"2102.{next(number):05d}"
            lib.upsert_arxiv(subject_record(key, subject, rng), status="inbox")
            inbox.setdefault(subject, []).append(key)
    return inbox


def ranked_keys(lib):
    result = ranking.rank(lib, lib.list_papers(statuses=["inbox"]))
    return [s.paper.key for s in result.papers], result


def mean_rank(keys, subject_keys):
    return sum(keys.index(k) for k in subject_keys) / len(subject_keys)


def test_kept_subject_ranks_first_dismissed_last_background_between(store):
    inbox = fill(store)
    keys, result = ranked_keys(store)
    assert result.note is None
    assert mean_rank(keys, inbox["graphs"]) < mean_rank(keys, inbox["proteins"]) < mean_rank(keys, inbox["optics"])
    assert set(keys[:6]) == set(inbox["graphs"])
    assert set(keys[-6:]) == set(inbox["optics"])
    scores = [s.score for s in result.papers]
    assert scores == sorted(scores, reverse=True)


def test_swapping_kept_and_dismissed_swaps_the_ranking(store):
    inbox = fill(store, kept="optics", dismissed="graphs")
    keys, _ = ranked_keys(store)
    assert set(keys[:6]) == set(inbox["optics"])
    assert set(keys[-6:]) == set(inbox["graphs"])


def test_summaries_and_takeaways_weigh_more_than_a_key_press(store):
    """Two kept subjects in equal numbers: the one the reader wrote summaries for ranks above."""
    rng = random.Random(3)
    number = iter(range(1000, 9999))
    for subject, status in (("graphs", "to-read"), ("optics", "read"), ("proteins", "dismissed")):
        for i in range(10):
            paper, _ = store.upsert_arxiv(subject_record(f"2101.{next(number):05d}", subject, rng), status=status)
            if subject == "optics" and i < 8:
                store.set_summary(paper.key, "Worth it. **A takeaway.** And **another one.**")
    for subject in ("graphs", "optics"):
        for _ in range(5):
            store.upsert_arxiv(subject_record(f"2102.{next(number):05d}", subject, rng), status="inbox")
    result = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    top = [s.paper.categories[0] for s in result.papers[:5]]
    assert top.count("physics.optics") >= 4, top
    rows = store.triaged_for_ranking()
    summarized = [r for r in rows if r.summary_chars]
    plain = [r for r in rows if r.status == "to-read"]
    assert ranking.positive_weight(summarized[0]) > ranking.positive_weight(plain[0])


def test_tagged_papers_count_as_kept(store):
    rng = random.Random(5)
    for i in range(6):
        paper, _ = store.upsert_arxiv(subject_record(f"2101.{i:05d}", "graphs", rng), status=None)
        store.add_tags([paper.key], ["gnn"])
    for i in range(6):
        store.upsert_arxiv(subject_record(f"2103.{i:05d}", "optics", rng), status="dismissed")
    for i in range(4):
        store.upsert_arxiv(subject_record(f"2104.{i:05d}", "graphs", rng), status="inbox")
        store.upsert_arxiv(subject_record(f"2105.{i:05d}", "optics", rng), status="inbox")
    keys, result = ranked_keys(store)
    assert result.note is None
    assert all(k.startswith("2104.") for k in keys[:4])


def test_reasons_name_the_words_authors_and_categories_that_drove_the_score(store):
    inbox = fill(store)
    _, result = ranked_keys(store)
    top = result.papers[0]
    assert top.paper.key in inbox["graphs"]
    assert 1 <= len(top.why) <= ranking.REASONS
    vocabulary = set(SUBJECTS["graphs"].split()) | {"author: Grace Graphwell", "category: cs.LG"}
    for reason in top.why:
        assert reason in vocabulary or set(reason.split()) <= set(SUBJECTS["graphs"].split()), reason
    bottom = result.papers[-1]
    assert bottom.paper.key in inbox["optics"]
    assert bottom.why and all(not set(r.split()) & set(SUBJECTS["graphs"].split()) for r in bottom.why)


def test_an_author_or_category_the_reader_keeps_is_a_reason(store):
    fill(store)
    store.upsert_arxiv(make_record("2109.00001", title="Large system", abstract="We measure data.",
                                   authors=["Grace  Graphwell"], categories=["cs.LG"]), status="inbox")
    _, result = ranked_keys(store)
    (plain,) = [s for s in result.papers if s.paper.key == "2109.00001"]
    assert plain.why
    assert {"author: Grace  Graphwell", "category: cs.LG"} & set(plain.why), plain.why


def test_scoring_without_scikit_learn_matches_scikit_learn(store):
    """The cached model scores with numpy/scipy alone: the same tf-idf rows as scikit-learn's."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    fill(store)
    rows = store.triaged_for_ranking() + store.background_for_ranking(1000)
    docs = [ranking.row_features(r) for r in rows]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    expected = vectorizer.fit_transform(docs).toarray()
    model = ranking.Model(
        [str(t) for t in vectorizer.get_feature_names_out()], vectorizer.idf_, np.zeros(len(vectorizer.idf_)), 0.0
    )
    assert np.allclose(model.vectors(rows).toarray(), expected)


@pytest.mark.parametrize(
    "kept, dismissed", [(0, 0), (12, 0), (0, 12), (ranking.MIN_KEPT - 1, 12), (12, ranking.MIN_DISMISSED - 1)]
)
def test_too_little_history_keeps_arrival_order_and_says_so(store, kept, dismissed):
    rng = random.Random(7)
    for i in range(kept):
        store.upsert_arxiv(subject_record(f"2101.{i:05d}", "graphs", rng), status="to-read")
    for i in range(dismissed):
        store.upsert_arxiv(subject_record(f"2103.{i:05d}", "optics", rng), status="dismissed")
    for i in range(5):
        store.upsert_arxiv(subject_record(f"2104.{i:05d}", "graphs", rng), status="inbox")
    arrival = store.list_papers(statuses=["inbox"])
    result = ranking.rank(store, arrival)
    assert [s.paper.key for s in result.papers] == [p.key for p in arrival]
    assert all(s.score is None and s.why == [] for s in result.papers)
    assert result.note is not None and "arrival order" in result.note
    assert f"you have {kept} kept, {dismissed} dismissed" in result.note
    assert store.ranking_model(ranking.READER_MODEL) is None


def test_papers_without_abstracts_rank_by_their_titles(store):
    rng = random.Random(11)
    for i in range(8):
        store.upsert_arxiv(subject_record(f"2101.{i:05d}", "graphs", rng, abstract=""), status="read")
        store.upsert_arxiv(subject_record(f"2103.{i:05d}", "optics", rng, abstract=""), status="dismissed")
    for i in range(3):
        store.upsert_arxiv(subject_record(f"2104.{i:05d}", "optics", rng, abstract=""), status="inbox")
        store.upsert_arxiv(subject_record(f"2105.{i:05d}", "graphs", rng, abstract=""), status="inbox")
    keys, result = ranked_keys(store)
    assert result.note is None
    assert all(k.startswith("2105.") for k in keys[:3])


def test_papers_with_no_text_at_all_fall_back(store):
    for i in range(6):
        store.upsert_arxiv(make_record(f"2101.{i:05d}", title="", abstract="", authors=[], categories=[]),
                           status="read")
        store.upsert_arxiv(make_record(f"2103.{i:05d}", title="", abstract="", authors=[], categories=[]),
                           status="dismissed")
    store.upsert_arxiv(make_record("2104.00001", title="", abstract="", authors=[], categories=[]), status="inbox")
    result = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert result.note is not None and "arrival order" in result.note


def test_the_model_is_cached_and_reused_while_the_triage_is_unchanged(store, monkeypatch):
    fill(store)
    first = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert store.ranking_model(ranking.READER_MODEL) is not None

    def no_training(*args, **kwargs):
        raise AssertionError("retrained with an unchanged triage")

    monkeypatch.setattr(ranking, "train", no_training)
    again = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert [(s.paper.key, s.score) for s in again.papers] == [(s.paper.key, s.score) for s in first.papers]


@pytest.mark.parametrize("change", ["status", "summary", "tag", "untag"])
def test_a_changed_triage_retrains(store, change):
    inbox = fill(store)
    ranking.rank(store, store.list_papers(statuses=["inbox"]))
    before = store.ranking_model(ranking.READER_MODEL)
    kept = store.list_papers(statuses=["to-read"])[0].key
    if change == "status":
        store.set_status([inbox["proteins"][0]], "dismissed")
    elif change == "summary":
        store.set_summary(kept, "Good. **Keep.**")
    elif change == "tag":
        store.add_tags([kept], ["gnn"])
    else:
        store.add_tags([kept], ["gnn"])
        ranking.rank(store, store.list_papers(statuses=["inbox"]))
        before = store.ranking_model(ranking.READER_MODEL)
        store.remove_tags([kept], ["gnn"])
    assert before is not None and before[0] != store.triage_fingerprint()
    ranking.rank(store, store.list_papers(statuses=["inbox"]))
    after = store.ranking_model(ranking.READER_MODEL)
    assert after is not None and after[0] == store.triage_fingerprint() != before[0]


@pytest.mark.parametrize("blob", [b"", b"garbage", b"PK\x03\x04broken zip"])
def test_a_corrupt_cache_is_retrained(store, blob):
    fill(store)
    store.save_ranking_model(ranking.READER_MODEL, store.triage_fingerprint(), ranking.FORMAT, blob)
    keys, result = ranked_keys(store)
    assert result.note is None
    cached = store.ranking_model(ranking.READER_MODEL)
    assert cached is not None and cached[2] != blob
    ranking.Model.from_bytes(cached[2])


def test_a_cache_of_another_format_is_retrained(store):
    fill(store)
    ranking.rank(store, store.list_papers(statuses=["inbox"]))
    fingerprint, _, blob = store.ranking_model(ranking.READER_MODEL)
    store.save_ranking_model(ranking.READER_MODEL, fingerprint, ranking.FORMAT + 1, blob)
    ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert store.ranking_model(ranking.READER_MODEL)[1] == ranking.FORMAT


def test_a_killed_retraining_leaves_the_old_model_in_use(store, monkeypatch):
    inbox = fill(store)
    first = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    old = store.ranking_model(ranking.READER_MODEL)
    store.set_status([inbox["proteins"][0]], "dismissed")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ranking, "train", killed)
    with pytest.raises(KeyboardInterrupt):
        ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert store.ranking_model(ranking.READER_MODEL) == old
    stale = ranking.reader_model(store, retrain=False)
    assert isinstance(stale, ranking.Model)
    papers = store.list_papers(statuses=["inbox"])
    result = ranking.rank(store, papers, model=stale)
    assert result.note is None
    assert {s.paper.key: s.score for s in result.papers}[inbox["graphs"][0]] == {
        s.paper.key: s.score for s in first.papers
    }[inbox["graphs"][0]]


def test_likely_for_you_counts_the_papers_above_the_usual_threshold(store):
    inbox = fill(store)
    papers = store.list_papers(statuses=["inbox"])
    likely = ranking.likely_for_you(store, papers)
    assert likely is not None
    assert 6 <= likely < len(papers)
    graphs = [p for p in papers if p.key in inbox["graphs"]]
    optics = [p for p in papers if p.key in inbox["optics"]]
    assert ranking.likely_for_you(store, graphs) == len(graphs)
    assert ranking.likely_for_you(store, optics) == 0


def test_likely_for_you_is_none_without_history(store):
    store.upsert_arxiv(make_record("2104.00001"), status="inbox")
    assert ranking.likely_for_you(store, store.list_papers(statuses=["inbox"])) is None


def test_related_papers_share_the_subject_and_come_from_the_catalogue_too(store):
    inbox = fill(store)
    found = ranking.related(store, inbox["graphs"][0], limit=5)
    assert len(found) == 5
    assert all(p.categories == ["cs.LG"] for p, _ in found)
    assert inbox["graphs"][0] not in [p.key for p, _ in found]
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True)
    proteins = ranking.related(store, inbox["proteins"][0], limit=3)
    assert {p.status for p, _ in proteins} & {None}  # catalogue entries are found
    assert all(p.categories == ["q-bio.BM"] for p, _ in proteins)


# --- the features (readr.tfidf) and the score cache ------------------------------------------------


@pytest.mark.parametrize("text", [
    "Graph-based learning (GNN_v2) on 3D meshes: a_b x 42, e.g. state-of-the-art!",
    "  tabs\tand\nnew lines, U.S.A. and i.i.d. samples -- 10^{-3} $\\alpha$ ",
    "Schrödinger's équation naïve — über Łódź (non-ASCII) 量子 field",
])
def test_words_are_the_regular_expressions_words(text):
    from readr import tfidf

    expected = [w for w in re.findall(r"(?u)\b\w\w+\b", text.lower()) if w not in tfidf.STOP_WORDS]
    assert tfidf.content_words(text) == expected


def test_fitted_features_are_scikit_learns(store):
    """readr.tfidf.fit gives the terms, idf and rows of TfidfVectorizer(sublinear_tf) over the same
    string features, and the most frequent features when they are capped."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from readr import tfidf

    fill(store)
    rows = store.triaged_for_ranking() + store.background_for_ranking(1000)
    docs = [ranking.row_features(r) for r in rows]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    expected = vectorizer.fit_transform(docs).toarray()
    names = [str(t) for t in vectorizer.get_feature_names_out()]
    terms, idf, fitted = tfidf.fit(rows, 10**6)
    assert sorted(terms) == sorted(names)
    order = [terms.index(name) for name in names]
    assert np.allclose(idf[order], vectorizer.idf_)
    assert np.allclose(fitted.toarray()[:, order], expected)

    capped, _, _ = tfidf.fit(rows, 20)
    totals = dict(zip(names, np.asarray(vectorizer.fit_transform(docs).astype(bool).sum(axis=0)).ravel()))
    counts = {name: sum(doc.count(name) for doc in docs) for name in names}
    assert len(capped) == 20
    assert min(counts[t] for t in capped) >= max(counts[t] for t in names if t not in capped)
    assert totals  # every name was counted


def test_a_second_ranking_reads_the_scores_from_the_cache(store, monkeypatch):
    fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    first = ranking.rank_ids(store, ids)

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored again with an unchanged model and unchanged papers")

    monkeypatch.setattr(ranking.Model, "vectors", no_scoring)
    again = ranking.rank_ids(store, ids)
    assert (again.ids, again.scores, again.why) == (first.ids, first.scores, first.why)


def test_an_edited_paper_is_scored_again_and_only_it(store, monkeypatch):
    inbox = fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    first = ranking.rank_ids(store, ids)
    edited = store.get(inbox["optics"][0])
    # A new arXiv version whose abstract is about the kept subject.
    store.upsert_arxiv(make_record(edited.arxiv_id, title=edited.title, version=2, abstract=SUBJECTS["graphs"],
                                   categories=edited.categories, authors=edited.authors), status="inbox")
    scored: list[int] = []
    vectors = ranking.Model.vectors

    def counting(self, rows):
        scored.extend(r.id for r in rows if r is not None)
        return vectors(self, rows)

    monkeypatch.setattr(ranking.Model, "vectors", counting)
    again = ranking.rank_ids(store, ids)
    assert scored == [edited.id]
    assert again.scores[edited.id] > first.scores[edited.id]


def test_a_changed_triage_scores_every_paper_again(store):
    inbox = fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    first = ranking.rank_ids(store, ids)
    for key in inbox["proteins"][:3]:
        store.set_status([key], "to-read")
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    again = ranking.rank_ids(store, ids)
    proteins = [store.get(k).id for k in inbox["proteins"][3:]]
    assert all(again.scores[i] > first.scores[i] for i in proteins)


@pytest.mark.parametrize("blob", [
    b"", b"garbage",
    zlib.compress(b'{"ids": [1, 2], "signatures": [1], "scores": ["x"], "why": []}'),
    zlib.compress(b'{"ids": [1], "signatures": [1], "scores": ["x"], "why": [[]]}'),
])
def test_a_damaged_score_cache_is_scored_again(store, blob):
    fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    first = ranking.rank_ids(store, ids)
    fingerprint = store.ranking_model(ranking.READER_MODEL + ranking.SCORE_CACHE)[0]
    store.save_ranking_model(ranking.READER_MODEL + ranking.SCORE_CACHE, fingerprint, ranking.FORMAT, blob)
    again = ranking.rank_ids(store, ids)
    assert (again.ids, again.scores) == (first.ids, first.scores)


def _count_scoring(monkeypatch, store) -> list[int]:
    """The ids of the papers whose text is tokenized to be scored, or read to be."""
    from readr import tfidf

    seen: list[int] = []
    rows_of = tfidf.Vocabulary.rows
    read = type(store).ranking_rows

    def tokenizing(self, papers):
        seen.extend(p.id for p in papers if p is not None)
        return rows_of(self, papers)

    def reading(self, ids):
        seen.extend(ids)
        return read(self, ids)

    monkeypatch.setattr(tfidf.Vocabulary, "rows", tokenizing)
    monkeypatch.setattr(type(store), "ranking_rows", reading)
    return seen


def test_a_retraining_caches_the_inbox_scores_so_the_first_listing_tokenizes_nothing(store, monkeypatch):
    fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    model = ranking.reader_model(store)
    expected_scores = dict(zip(ids, model.scores(store.ranking_rows(ids)).tolist()))
    expected_why = dict(zip(ids, model.reasons(store.ranking_rows(ids))))
    scored = _count_scoring(monkeypatch, store)
    listed = ranking.rank_ids(store, ids, rules=ranking.reader_rules())
    assert scored == []
    assert listed.scores == pytest.approx({i: round(s, 4) for i, s in expected_scores.items()}, abs=1e-4)
    assert listed.why == expected_why


def test_a_listing_that_retrains_takes_the_inbox_scores_from_the_training(store, monkeypatch):
    inbox = fill(store)
    ranking.rank_ids(store, [p.id for p in store.list_papers(statuses=["inbox"])])
    store.set_status([inbox["proteins"][0]], "dismissed")  # a changed triage: retrained while listing
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    scored = _count_scoring(monkeypatch, store)
    listed = ranking.rank_ids(store, ids)
    assert scored == []
    assert sorted(listed.ids) == sorted(ids)


def test_a_paper_edited_after_the_retraining_is_scored_again_and_only_it(store, monkeypatch):
    inbox = fill(store)
    ids = [p.id for p in store.list_papers(statuses=["inbox"])]
    ranking.reader_model(store)
    edited = store.get(inbox["optics"][0])
    store.upsert_arxiv(make_record(edited.arxiv_id, title=edited.title, version=2, abstract=SUBJECTS["graphs"],
                                   categories=edited.categories, authors=edited.authors), status="inbox")
    scored = _count_scoring(monkeypatch, store)
    ranking.rank_ids(store, ids)
    assert set(scored) == {edited.id}


def test_training_twice_on_the_same_triage_gives_the_same_model(store):
    fill(store)
    triaged = store.triaged_for_ranking()
    positives = [r for r in triaged if r.status == "to-read"]
    negatives = [r for r in triaged if r.status == "dismissed"]
    background = store.background_for_ranking(ranking.MAX_BACKGROUND)
    first = ranking.train(positives, negatives, background)
    second = ranking.train(positives, negatives, background)
    assert first.coef.tolist() == second.coef.tolist()
    assert (first.intercept, first.threshold) == (second.intercept, second.threshold)
