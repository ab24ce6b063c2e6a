"""`like:TAG`: search results ordered by a model of the papers the reader tagged TAG.

This is arxiv-sanity-lite's per-tag model: the papers with the tag are the positives, every other
paper (the rest of the reader's triage and the newest untriaged papers, catalogue included) the
negatives, one linear SVM over the same tf-idf features as the reader's model (readr.ranking.train).
It is cached in the library's ranking_models under "tag:NAME" with a fingerprint of the tag's
papers: adding the tag to a paper, or taking it off, retrains it; new papers in the library are
scored by the model as it is.

`like:` orders, it does not select: the other filters and words choose the papers (the newest
LIKE_CANDIDATES of them are scored), and papers that already carry the tag are left out unless
the search asks for them with `tag:` (the reader has those). With fewer than MIN_TAGGED papers
tagged, the results keep their usual order and a note says why; the reader's mute and boost rules
(readr.rank_rules) apply on top either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .record import field, record
from .errors import QueryError
from .ranking import FORMAT, MAX_BACKGROUND, MIN_DISMISSED, Model, RankedIds, Unranked, cached_model, rank_ids, train

if TYPE_CHECKING:
    from .query import Query
    from .rank_rules import RankRules
    from .store import Paper, Store

MIN_TAGGED = 3  # papers with the tag before it has a model (arxiv-sanity trains on one; three are steadier)
LIKE_CANDIDATES = 2_000  # matches scored per search, the newest first (a week of cs.LG is about 1,000)
TAG_BACKGROUND = MAX_BACKGROUND // 2  # untriaged papers among the negatives


def model_name(tag: str) -> str:
    return "tag:" + tag


def unknown_tag(lib: Store, tag: str) -> QueryError:
    names = lib.tag_names()
    known = f"your tags: {', '.join(names[:12])}{' …' if len(names) > 12 else ''}" if names else "you have no tags yet"
    return QueryError(f"like:{tag}: no paper is tagged {tag} ({known})")


def tag_model(lib: Store, tag: str, retrain: bool = True) -> Model | Unranked:
    """The model of the papers tagged `tag`: cached while they are unchanged, else trained now (off
    the UI thread) and cached. QueryError for a tag no paper has."""
    usage = lib.tag_usage(tag)
    if usage is None or not usage[1]:
        raise unknown_tag(lib, tag)
    tag, count = usage  # as stored: like:BIO and like:bio are one model
    if count < MIN_TAGGED:
        return Unranked(
            f"in the usual order: like:{tag} learns from at least {MIN_TAGGED} papers tagged {tag} (you have {count})"
        )
    name = model_name(tag)
    fingerprint = lib.tag_fingerprint(tag)
    stale, fresh = cached_model(lib, name, fingerprint)
    if fresh and stale is not None:
        return stale
    if not retrain:
        return stale if stale is not None else Unranked(f"in the usual order: the model of {tag} is being trained")
    positives = lib.tagged_for_ranking(tag)
    positive_ids = {r.id for r in positives}
    negatives = [r for r in lib.triaged_for_ranking() if r.id not in positive_ids]
    negatives += lib.background_for_ranking(TAG_BACKGROUND)
    if len(negatives) < MIN_DISMISSED:
        return Unranked(f"in the usual order: like:{tag} needs other papers to tell the tagged ones from")
    try:
        model = train(positives, negatives, [], weigh_positives=False)
    except Exception:
        if stale is None:
            raise
        return stale  # a failed retraining leaves the old model in use
    if isinstance(model, Unranked):
        return Unranked(f"in the usual order: nothing sets the papers tagged {tag} apart from the rest yet")
    model.training_rows = None  # used only to cache the reader model's scores; not kept alive
    lib.save_ranking_model(name, fingerprint, FORMAT, model.to_bytes())
    return model


def rank_like(lib: Store, tag: str, ids: list[int], also_tagged: bool = False,
              rules: RankRules | None = None) -> RankedIds:
    """`ids` (a search's matches, best or newest first) by likeness to the papers tagged `tag`,
    each with its score and reasons, the reader's rules on top; papers with the tag left out
    unless `also_tagged`. Trains the tag's model when it changed: call it off the UI thread."""
    model = tag_model(lib, tag)
    if not also_tagged:
        tagged = lib.tagged_ids(tag)
        ids = [i for i in ids if i not in tagged]
    return rank_ids(lib, ids[:LIKE_CANDIDATES], model, rules)


@record
class LikeResults:
    """A like: search's papers, most like the tag first, with scores (None: not ranked) and reasons."""

    papers: list[tuple[Paper, float | None, list[str]]] = field(default_factory=list)
    total: int = 0  # papers the search's filters and words select (tagged ones left out)
    capped: bool = False  # only the newest LIKE_CANDIDATES were scored
    note: str | None = None  # why they are in the usual order, when they are


def like_search(lib: Store, query: Query, limit: int, include_catalogue: bool = True,
                rules: RankRules | None = None) -> LikeResults:
    """`readr search` with `like:TAG`: the matches of the rest of the query, the ones most like
    the papers tagged TAG first."""
    tag = query.like
    assert tag is not None
    found = lib.search_ids(query, limit=LIKE_CANDIDATES + 1, include_catalogue=include_catalogue)
    capped = len(found) > LIKE_CANDIDATES
    ids = [i for i, _ in found]
    ranked = rank_like(lib, tag, ids, also_tagged=tag in query.tags, rules=rules)
    shown = ranked.ids[:limit]
    papers = {p.id: p for p in lib.papers_by_ids(shown)}
    return LikeResults(
        [(papers[i], ranked.scores.get(i), ranked.why.get(i, [])) for i in shown if i in papers],
        total=len(ranked.ids), capped=capped, note=ranked.note,
    )
