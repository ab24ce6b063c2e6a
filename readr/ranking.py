"""Relevance: which inbox papers this reader is likely to keep, learned from what they did.

The method is arxiv-sanity-lite's, with the reader's dismissals used: tf-idf over title and
abstract (word uni- and bigrams, sublinear tf) plus the authors and categories as features of
their own, and one linear SVM. Papers the reader kept (to-read, reading), read or tagged are
positives, weighing more with a summary and takeaways; dismissed papers are negatives (on the
Kaggle sample kept-vs-dismissed beat kept-vs-everything: docs/field-notes.md); the rest of the
library (inbox, catalogue) is background that sets the vocabulary and the idf and counts a
little as negative. benchmarks/ranking.py measures it against arxiv-sanity's own training.

scikit-learn (the field's choice, arxiv-sanity's) is imported only to train, inside train(); the
features are built by readr.tfidf with numpy (the same numbers as scikit-learn's vectorizer, many
times faster than feeding it Python lists of strings), and a cached model scores with numpy alone.
The model is cached in the library (table ranking_models) under a fingerprint of the triage it
was learned from; a changed triage, a model of another format or one that cannot be read is
retrained, and with too little history the papers stay in arrival order, with a note that says
why. Beside the model, the scores and reasons it gave each paper are cached too (keyed by the
paper's text), so listing the same inbox again does not read a single abstract.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from typing import TYPE_CHECKING, Mapping, Sequence

from .record import field, record
from .tfidf import AUTHOR, CATEGORY, STOP_WORDS, paper_features

if TYPE_CHECKING:
    import numpy as np

    from .rank_rules import RankRules
    from .store import Paper, RankingRow, RuleFields, Store
    from .tfidf import Rows, Vocabulary

FORMAT = 1  # of the cached model; another format is retrained
READER_MODEL = ""  # the name of the reader's model in ranking_models
MIN_KEPT = 5  # positives needed before the inbox is ranked (Semantic Scholar asks for 5 and 3)
MIN_DISMISSED = 3
MAX_BACKGROUND = 20_000  # newest untriaged papers the vocabulary and idf are learned from
MAX_FEATURES = 50_000
SVM_C = 0.1
BACKGROUND_WEIGHT = 0.05  # of one untriaged paper as a negative, against 1 for a dismissed one
REASONS = 3

_AUTHOR = AUTHOR
_CATEGORY = CATEGORY


def row_features(row: RankingRow) -> list[str]:
    return paper_features(row.title, row.abstract, row.authors, row.categories)


def positive_weight(row: RankingRow) -> float:
    """How much a kept paper says about the reader: a summary and its takeaways are work the
    reader chose to do, so they count more than a key press."""
    weight = 1.0
    if row.summary_chars:
        weight += 1.0
    weight += 0.5 * min(row.takeaways, 4)
    if row.tags:
        weight += 0.5
    return weight


@record
class Unranked:
    """Why there is no model: shown where the ranking would be."""

    reason: str


@record
class Model:
    """A linear model over tf-idf features: terms[i] has inverse document frequency idf[i] and
    weight coef[i]. Scores a paper with numpy alone (readr.tfidf), without scikit-learn or scipy."""

    terms: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float = 0.0  # scores above it are "likely for you" (see train)
    _vocabulary: Vocabulary | None = field(default=None, repr=False)
    # The tf-idf rows of the papers it was trained on (positives, negatives, background), set by
    # train and not saved: scoring them costs a product, not a second tokenization.
    training_rows: Rows | None = field(default=None, repr=False)

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            from .tfidf import Vocabulary

            self._vocabulary = Vocabulary(self.terms, self.idf)
        return self._vocabulary

    def vectors(self, rows: Sequence[RankingRow | None]) -> Rows:
        """The tf-idf rows (L2-normalised, sublinear tf) of these papers: the same numbers as
        scikit-learn's TfidfVectorizer(sublinear_tf=True) fitted on the model's documents
        (tests/test_ranking.py checks it)."""
        return self.vocabulary.rows(rows)

    def scores(self, rows: Sequence[RankingRow | None]) -> np.ndarray:
        return self.scores_of(self.vectors(rows))

    def scores_of(self, matrix: Rows) -> np.ndarray:
        """Scores of rows already turned into vectors (`vectors`)."""
        return matrix.dot(self.coef) + self.intercept

    def reasons(self, rows: Sequence[RankingRow | None]) -> list[list[str]]:
        return self.reasons_of(self.vectors(rows), [r.authors if r is not None else [] for r in rows])

    def reasons_of(self, matrix: Rows, authors: Sequence[Sequence[str]]) -> list[list[str]]:
        """For each row of `matrix` (from `vectors`), the features that raised its score most (or,
        when none did, that lowered it most, marked "against")."""
        from .tfidf import top_columns

        out = []
        for picks, names in zip(top_columns(matrix, self.coef, REASONS), authors):
            if picks and picks[0][1] < 0:
                out.append(["against: " + _describe(self.terms[picks[0][0]], names)])
            else:
                out.append([_describe(self.terms[column], names) for column, _ in picks])
        return out

    def to_bytes(self) -> bytes:
        import numpy as np

        buffer = io.BytesIO()
        terms = np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(
            buffer, terms=terms, idf=self.idf, coef=self.coef, intercept=np.asarray([self.intercept, self.threshold])
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> "Model":
        """The model saved by to_bytes; ValueError for anything else (no pickles are loaded)."""
        import zipfile

        import numpy as np

        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as saved:
                terms = saved["terms"].tobytes().decode("utf-8").split("\n")
                idf = np.asarray(saved["idf"], dtype=np.float64)
                coef = np.asarray(saved["coef"], dtype=np.float64)
                intercept, threshold = (float(x) for x in saved["intercept"][:2])
        except (OSError, KeyError, IndexError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
            raise ValueError(f"not a readr ranking model: {exc}") from None
        if not (len(terms) == idf.shape[0] == coef.shape[0]) or idf.ndim != 1 or coef.ndim != 1:
            raise ValueError("not a readr ranking model: its parts do not match")
        if not (np.all(np.isfinite(idf)) and np.all(np.isfinite(coef)) and math.isfinite(intercept + threshold)):
            raise ValueError("not a readr ranking model: it holds numbers that are not finite")
        return cls(terms, idf, coef, intercept, threshold)


def _describe(term: str, authors: Sequence[str]) -> str:
    if term.startswith(_AUTHOR):
        name = term[len(_AUTHOR):]
        for author in authors:
            if " ".join(author.lower().split()) == name:
                return "author: " + author
        return "author: " + name
    if term.startswith(_CATEGORY):
        return "category: " + term[len(_CATEGORY):]
    return term


def _is_positive(row: RankingRow) -> bool:
    return row.status != "dismissed" and (row.status in ("to-read", "reading", "read") or bool(row.tags))


def not_enough_history(kept: int, dismissed: int) -> str | None:
    """The note shown instead of a ranking while the history is too short, else None."""
    if kept >= MIN_KEPT and dismissed >= MIN_DISMISSED:
        return None
    return (
        f"in arrival order: relevance is learned from at least {MIN_KEPT} kept and {MIN_DISMISSED} dismissed "
        f"papers (you have {kept} kept, {dismissed} dismissed)"
    )


def train(
    positives: Sequence[RankingRow], negatives: Sequence[RankingRow], background: Sequence[RankingRow],
    weigh_positives: bool = True,
) -> Model | Unranked:
    """Learn a model: positives against negatives, the background in the vocabulary and, lightly,
    among the negatives."""
    note = not_enough_history(len(positives), len(negatives))
    if note is not None:
        return Unranked(note)
    import numpy as np
    from sklearn.svm import LinearSVC

    from .tfidf import EmptyVocabulary, fit

    try:
        terms, idf, rows = fit([*positives, *negatives, *background], MAX_FEATURES)
    except EmptyVocabulary:
        return Unranked("in arrival order: the papers have no words to learn from")
    matrix = rows.to_scipy()
    labels = np.asarray([1] * len(positives) + [0] * (len(negatives) + len(background)))
    weights = np.asarray(
        [positive_weight(r) if weigh_positives else 1.0 for r in positives]
        + [1.0] * len(negatives) + [BACKGROUND_WEIGHT] * len(background)
    )
    # Seeded: the solver visits the papers in a random order, and the same triage must rank the same.
    svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=5000, tol=1e-4, dual="auto", random_state=0)
    svm.fit(matrix, labels, sample_weight=weights)
    coef = np.asarray(svm.coef_, dtype=np.float64).ravel()
    if not np.any(coef):
        return Unranked("in arrival order: nothing sets the kept papers apart from the dismissed ones yet")
    model = Model(
        terms=terms, idf=idf, coef=coef, intercept=float(svm.intercept_[0]),
    )
    # The reader's usual threshold: halfway between the typical kept and the typical dismissed paper.
    decision = svm.decision_function(matrix)
    kept_median = float(np.median(decision[: len(positives)]))
    dismissed_median = float(np.median(decision[len(positives) : len(positives) + len(negatives)]))
    model.threshold = (kept_median + dismissed_median) / 2
    model.training_rows = rows
    return model


def cached_model(lib: Store, name: str, fingerprint: str) -> tuple[Model | None, bool]:
    """The model cached under `name` (None when missing, of another format or damaged: all are
    retrained alike) and whether it was learned from `fingerprint`."""
    cached = lib.ranking_model(name)
    if cached is None or cached[1] != FORMAT:
        return None, False
    try:
        model = Model.from_bytes(cached[2])
    except ValueError:
        return None, False
    return model, cached[0] == fingerprint


def reader_model(lib: Store, retrain: bool = True) -> Model | Unranked:
    """The reader's model: the cached one while the triage is unchanged, else trained now and
    cached (with retrain=False a stale model is returned as it is, and a missing one reported)."""
    fingerprint = lib.triage_fingerprint()
    stale, fresh = cached_model(lib, READER_MODEL, fingerprint)
    if fresh and stale is not None:
        return stale
    if not retrain:
        # The old model stays in use until the new one is written.
        return stale if stale is not None else Unranked("in arrival order: the relevance model is being trained")
    triaged = lib.triaged_for_ranking()
    positives = [r for r in triaged if _is_positive(r)]
    negatives = [r for r in triaged if r.status == "dismissed"]
    note = not_enough_history(len(positives), len(negatives))
    if note is not None:
        return Unranked(note)
    background = lib.background_for_ranking(MAX_BACKGROUND)
    try:
        model = train(positives, negatives, background)
    except Exception:
        if stale is None:
            raise
        return stale  # a failed retraining (out of memory, say) leaves the old model in use
    if isinstance(model, Model):
        saves = [(READER_MODEL, fingerprint, FORMAT, model.to_bytes())]
        scores = _training_scores(lib, model, [*positives, *negatives, *background])
        if scores is not None:
            saves.append((READER_MODEL + SCORE_CACHE, f"{fingerprint}:{FORMAT}", FORMAT, _score_cache_blob(scores)))
        lib.save_ranking_models(saves)
    return model


def _training_scores(lib: Store, model: Model, trained_on: Sequence[RankingRow]
                     ) -> dict[int, tuple[int | None, float, list[str]]] | None:
    """Score-cache entries for the listable papers (inbox and catalogue) among those `model` was
    just trained on, from the rows training built: the first listing after a retraining then reads
    them instead of tokenizing every abstract again. None without the training rows."""
    rows, model.training_rows = model.training_rows, None  # not kept alive with the model
    if rows is None or rows.shape[0] != len(trained_on):
        return None
    picks = [n for n, r in enumerate(trained_on) if r.status in (None, "inbox")][:SCORE_CACHE_SIZE]
    if not picks:
        return {}
    matrix = rows.take(picks)
    listed = [trained_on[n] for n in picks]
    ids = [r.id for r in listed]
    scores = model.scores_of(matrix).tolist()
    why = model.reasons_of(matrix, [r.authors for r in listed])
    signatures = lib.text_signatures(ids)
    return {i: (signatures.get(i), round(s, 4), w) for i, s, w in zip(ids, scores, why)}


@record
class Scored:
    paper: Paper
    score: float | None  # None: not ranked (see Ranking.note)
    why: list[str] = field(default_factory=list)


@record
class Ranking:
    papers: list[Scored]
    note: str | None = None  # why the papers are in arrival order, when they are


def rank(lib: Store, papers: Sequence[Paper], model: Model | Unranked | None = None,
         rules: RankRules | None = None) -> Ranking:
    """`papers` by descending relevance, each with its score and reasons; in the given (arrival)
    order with a note when there is no model. The reader's rules (readr.rank_rules) apply to both."""
    by_id = {p.id: p for p in papers}
    ranked = rank_ids(lib, [p.id for p in papers], model, rules)
    return Ranking(
        [Scored(by_id[i], ranked.scores.get(i), ranked.why.get(i, [])) for i in ranked.ids], ranked.note
    )


@record
class RankedIds:
    """Paper ids by descending relevance, with each one's score and reasons; in the given order,
    without scores, and with a note saying why, when there is no model."""

    ids: list[int]
    scores: dict[int, float] = field(default_factory=dict)
    why: dict[int, list[str]] = field(default_factory=dict)
    note: str | None = None

    def explain(self, paper_id: int) -> tuple[float | None, list[str]] | None:
        """A paper's score and reasons; the reasons alone for a paper only the rules moved (no
        model, or not scored); None when there is nothing to say."""
        why = self.why.get(paper_id, [])
        if paper_id in self.scores:
            return self.scores[paper_id], why
        return (None, why) if why else None


def rank_ids(lib: Store, ids: Sequence[int], model: Model | Unranked | None = None,
             rules: RankRules | None = None) -> RankedIds:
    """`rank` for a list of paper ids (the TUI's lists hold ids, not papers): trains the reader's
    model first when the triage changed, so call it off the UI thread. `model` may be another one
    (a tag's); the reader's rules (or `rules`) apply on top, to the arrival order too."""
    ranked = model_ranking(lib, ids, model)
    rules = reader_rules() if rules is None else rules
    if not rules:
        return ranked
    return apply_rules(ranked, lib.rule_fields(ranked.ids, _rule_words(rules)), rules)


def _rule_words(rules: RankRules) -> list[str] | None:
    """The words the rules name, for the store to read only the texts that hold one; None when a
    word is not ASCII (the store's match folds ASCII case only, the rules' every case)."""
    words = [*rules.values("mute", "word"), *rules.values("boost", "word")]
    return words if all(word.isascii() for word in words) else None


def reader_rules() -> RankRules:
    """The reader's muted and boosted authors, words and categories (config.toml)."""
    from .config import load_config

    return load_config().rank_rules


def model_ranking(lib: Store, ids: Sequence[int], model: Model | Unranked | None = None) -> RankedIds:
    """`ids` by the model alone (the reader's when `model` is None), without the reader's rules."""
    if model is None:
        return _rank_by_reader_model(lib, list(ids))
    if isinstance(model, Unranked):
        return RankedIds(list(ids), note=model.reason)
    scores, why = _scored(lib, list(ids), model)
    return _ordered(list(ids), scores, why)


def _scored(lib: Store, ids: list[int], model: Model) -> tuple[dict[int, float], dict[int, list[str]]]:
    rows = {r.id: r for r in lib.ranking_rows(ids)}
    matrix = model.vectors([rows.get(i) for i in ids])  # built once for the scores and their reasons
    scores = model.scores_of(matrix).tolist()
    why = model.reasons_of(matrix, [rows[i].authors if i in rows else [] for i in ids])
    return {i: round(s, 4) for i, s in zip(ids, scores)}, dict(zip(ids, why))


def _ordered(ids: list[int], scores: dict[int, float], why: dict[int, list[str]]) -> RankedIds:
    order = sorted(ids, key=lambda i: -scores[i])
    return RankedIds(order, {i: scores[i] for i in order}, {i: why[i] for i in order})


SCORE_CACHE = "#scores"  # the ranking_models row holding the reader model's last scores
SCORE_CACHE_SIZE = 50_000  # papers kept in it beyond the ones of the last ranking


def _rank_by_reader_model(lib: Store, ids: list[int]) -> RankedIds:
    """The reader's ranking of `ids`. A paper scored before by the same model, its text unchanged,
    takes its score and reasons from the cache beside the model: listing a 10,000-paper inbox
    again then reads two rows instead of tokenizing 10,000 abstracts (and imports no numpy)."""
    fingerprint = lib.triage_fingerprint()
    version = f"{fingerprint}:{FORMAT}"
    fresh = lib.ranking_model_version(READER_MODEL) == (fingerprint, FORMAT)
    cached = _read_score_cache(lib, version) if fresh else {}
    signatures = lib.text_signatures(ids)
    scores: dict[int, float] = {}
    why: dict[int, list[str]] = {}
    missing = _from_cache(ids, cached, signatures, scores, why)
    if missing or not fresh:
        model = reader_model(lib)
        if isinstance(model, Unranked):
            return RankedIds(ids, note=model.reason)
        if not fresh:  # retrained just now: training cached the scores of the inbox it learned beside
            cached = _read_score_cache(lib, version)
            missing = _from_cache(missing, cached, signatures, scores, why)
        if missing:
            new_scores, new_why = _scored(lib, missing, model)
            scores.update(new_scores)
            why.update(new_why)
            kept = cached if len(cached) <= SCORE_CACHE_SIZE else {}
            kept.update((i, (signatures.get(i), scores[i], why[i])) for i in ids)
            _save_score_cache(lib, version, kept)
    return _ordered(ids, scores, why)


def _from_cache(ids: list[int], cached: dict[int, tuple[int | None, float, list[str]]], signatures: dict[int, int],
                scores: dict[int, float], why: dict[int, list[str]]) -> list[int]:
    """Fill `scores` and `why` from the cache for the papers whose text is unchanged; the others."""
    missing = []
    for paper_id in ids:
        entry = cached.get(paper_id)
        if entry is not None and entry[0] == signatures.get(paper_id):
            scores[paper_id], why[paper_id] = entry[1], entry[2]
        else:
            missing.append(paper_id)
    return missing


def _read_score_cache(lib: Store, version: str) -> dict[int, tuple[int | None, float, list[str]]]:
    import json
    import zlib

    saved = lib.ranking_model(READER_MODEL + SCORE_CACHE)
    if saved is None or saved[0] != version or saved[1] != FORMAT:
        return {}
    try:
        cache = json.loads(zlib.decompress(saved[2]))
        ids, signatures, why = cache["ids"], cache["signatures"], cache["why"]
        scores = list(map(float, cache["scores"]))
        if not (len(ids) == len(signatures) == len(scores) == len(why)):
            return {}
        return dict(zip(map(int, ids), zip(signatures, scores, why)))
    except (ValueError, KeyError, TypeError, zlib.error):
        return {}  # a damaged cache: every paper is scored again


def _save_score_cache(lib: Store, version: str, entries: dict[int, tuple[int | None, float, list[str]]]) -> None:
    lib.save_ranking_model(READER_MODEL + SCORE_CACHE, version, FORMAT, _score_cache_blob(entries))


def _score_cache_blob(entries: dict[int, tuple[int | None, float, list[str]]]) -> bytes:
    import json
    import zlib

    signatures, scores, why = zip(*entries.values()) if entries else ((), (), ())
    cache = {"ids": list(entries), "signatures": signatures, "scores": scores, "why": why}
    return zlib.compress(json.dumps(cache, separators=(",", ":")).encode(), 1)


def _rule_as_reason(rule: str) -> str:
    """"word diffusion" -> "diffusion", "author A. Name" -> "author: A. Name": as the model says it."""
    kind, _, value = rule.partition(" ")
    return value if kind == "word" else f"{kind}: {value}"


def apply_rules(ranked: RankedIds, rows: Mapping[int, RankingRow | RuleFields], rules: RankRules) -> RankedIds:
    """`ranked` with the reader's rules on top: each matching boost lifts a score, a mute drops it
    below every unmuted paper, and the rules that applied come first in the reasons. Without
    scores (arrival order) boosted papers move up and muted ones down, otherwise in order."""
    if not rules:
        return ranked
    from .rank_rules import RuleMatcher

    matcher = RuleMatcher(rules)
    change: dict[int, float] = {}
    why = dict(ranked.why)
    for paper_id in ranked.ids:
        row = rows.get(paper_id)
        if row is None:
            continue
        delta, reasons = matcher.adjust(row.title, row.abstract, row.authors, row.categories)
        if reasons:
            change[paper_id] = delta
            # The model's own reason for a word, author or category a rule names says it twice.
            named = {_rule_as_reason(r.partition(": ")[2]) for r in reasons}
            why[paper_id] = reasons + [r for r in why.get(paper_id, []) if r not in named]
    if not change:
        return ranked
    if ranked.scores:
        scores = {i: round(s + change.get(i, 0.0), 4) for i, s in ranked.scores.items()}
        ids = sorted(ranked.ids, key=lambda i: -scores.get(i, float("-inf")))
    else:
        scores = {}
        ids = sorted(ranked.ids, key=lambda i: -change.get(i, 0.0))  # stable: arrival order otherwise
    return RankedIds(ids, scores, why, ranked.note)


def likely_for_you(lib: Store, papers: Sequence[Paper]) -> int | None:
    """How many of `papers` score above the reader's usual threshold (the reader's rules on top),
    or None without a model."""
    model = reader_model(lib)
    if isinstance(model, Unranked) or not papers:
        return None
    rules = reader_rules()
    if rules:  # a muted paper is not likely for you; a boosted one may be
        ranked = rank_ids(lib, [p.id for p in papers], model, rules)
        return sum(score > model.threshold for score in ranked.scores.values())
    rows = {r.id: r for r in lib.ranking_rows([p.id for p in papers])}
    scores = model.scores([rows.get(p.id) for p in papers])
    return int((scores > model.threshold).sum())


# Words held by more than this share of the library say little about what a paper is about, and
# in a big library each costs a long walk through the index: they are left out there.
RELATED_MAX_DOC_SHARE = 0.05
RELATED_COMMON_FROM = 1000  # papers holding a word before it can count as common
RELATED_WORDS = 12


def related(lib: Store, ref: str, limit: int = 10) -> list[tuple[Paper, float]]:
    """The papers anywhere in the library (the catalogue too) most like `ref`: the ones holding the
    most of its rarest title and abstract words, scored by the full-text index's bm25."""
    paper = lib.get(ref)
    title_words = [w for w in lib.index_words(paper.title) if len(w) > 2 and w not in STOP_WORDS]
    abstract_words = [w for w in lib.index_words(paper.abstract) if len(w) > 2 and w not in STOP_WORDS]
    counts = Counter(abstract_words)
    for word in title_words:
        counts[word] += 2  # the title says what the paper is about in the fewest words
    total, docs = lib.word_document_counts(list(counts))
    weights = {}
    for word, tf in counts.items():
        df = docs.get(word, 1)
        if df > RELATED_MAX_DOC_SHARE * total and df > RELATED_COMMON_FROM:
            continue
        weights[word] = (1 + math.log(tf)) * math.log((1 + total) / (1 + df))
    words = sorted(weights, key=lambda w: -weights[w])[:RELATED_WORDS]
    hits = lib.papers_matching_any(words, paper.id, limit)
    found = {p.id: p for p in lib.papers_by_ids([i for i, _ in hits])}
    return [(found[i], round(score, 4)) for i, score in hits if i in found]
