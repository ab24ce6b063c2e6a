"""Papers as tf-idf rows, with numpy alone: fitted on a library's papers, applied to new ones.

The features are those of readr.ranking: the words (2+ word characters, lowercased, stop words
left out) of title and abstract, each pair of neighbouring words (formed after the stop words
are removed), each author and each category. The numbers are those of scikit-learn's
TfidfVectorizer(sublinear_tf=True, max_features=...) over the same features (tests/test_ranking.py
checks it), computed over whole arrays: words become integer ids in one pass of the text, word
pairs are pairs of ids, and counting is numpy's. A 55,000-paper library is fitted in seconds
where a vectorizer fed Python lists of strings took tens of seconds, and a cached model scores
10,000 papers without importing scipy or scikit-learn.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from itertools import repeat
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence

from .record import record

if TYPE_CHECKING:
    import numpy as np

# Words that say nothing about a paper's subject: English function words and the stock phrases
# of abstracts. Removed before word pairs are formed, as scikit-learn does with stop words.
STOP_WORDS = frozenset(
    """a about above after again against all also although am among an and any are as at be because been
    before being below between both but by can could did do does doing done down during each either et
    few for from further had has have having he her here hers him his how however i if in into is it its
    itself just may me might more most much must my no nor not of off often on once one only or other our
    ours out over own per same she should so some such than that the their theirs them then there these
    they this those through thus to too two under until up upon us using very via was we were what when
    where which while who whom why will with within without would yet you your al paper papers propose
    proposed show shows shown present presents presented study studies result results approach method
    methods new novel use used based work""".split()
)
AUTHOR = "author:"
CATEGORY = "category:"

_WORD = re.compile(r"(?u)\b\w\w+\b")
# ASCII text (most of arXiv's) is split by str.translate + str.split, many times faster than the
# regular expression and with the same words: \w in ASCII is [A-Za-z0-9_]. Single characters,
# which the expression never yields, are dropped with the stop words.
_STOP = -2  # the id of a dropped word when a fitted vocabulary is applied
_UNKNOWN = -1  # the id of a word the vocabulary does not hold: it still parts its neighbours
_ASCII_NON_WORD = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")}
_DROPPED = STOP_WORDS | {chr(i) for i in range(128) if chr(i).isalnum() or chr(i) == "_"}


class PaperText(Protocol):
    """What a paper's features are taken from (readr.store.RankingRow has it)."""

    @property
    def title(self) -> str: ...
    @property
    def abstract(self) -> str: ...
    @property
    def authors(self) -> Sequence[str]: ...
    @property
    def categories(self) -> Sequence[str]: ...


def words(text: str) -> list[str]:
    """The lowercased words of `text` as the regular expression \\b\\w\\w+\\b finds them (plus, for
    ASCII text, single characters, which every caller drops with the stop words)."""
    text = text.lower()
    if text.isascii():
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in _DROPPED]


def other_features(authors: Iterable[str], categories: Iterable[str]) -> Iterator[str]:
    """Each author and each category as one feature of its own (as _tokens makes them)."""
    for name in authors:
        if name.strip():
            yield AUTHOR + " ".join(name.lower().split())
    for category in categories:
        if category.strip():
            yield CATEGORY + category.strip()


def paper_features(title: str, abstract: str, authors: Sequence[str], categories: Sequence[str]) -> list[str]:
    """The features of a paper as strings: its words and word pairs (stop words left out), each
    author and each category."""
    found = content_words(f"{title} {abstract}")
    features = found + [f"{a} {b}" for a, b in zip(found, found[1:])]
    features += other_features(authors, categories)
    return features


@record
class Rows:
    """Sparse tf-idf rows in CSR form (numpy arrays): row r holds columns indices[indptr[r]:indptr[r+1]]
    with values data[...] (L2-normalised, sublinear tf)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]

    def row_of_entry(self) -> np.ndarray:
        import numpy as np

        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """Each row's dot product with `weights` (one per column)."""
        import numpy as np

        return np.bincount(self.row_of_entry(), weights=self.data * weights[self.indices], minlength=self.shape[0])

    def take(self, picks: Sequence[int]) -> "Rows":
        """These rows, in this order."""
        import numpy as np

        picks_array = np.asarray(picks, dtype=np.int64)
        starts, ends = self.indptr[picks_array], self.indptr[picks_array + 1]
        lengths = ends - starts
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(self.indptr.dtype)
        # For each kept entry, its position in the source arrays.
        entries = np.repeat(starts - indptr[:-1], lengths) + np.arange(int(indptr[-1]))
        return Rows(indptr, self.indices[entries], self.data[entries], (len(picks_array), self.shape[1]))

    def to_scipy(self) -> Any:
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def toarray(self) -> np.ndarray:
        import numpy as np

        dense = np.zeros(self.shape)
        dense[self.row_of_entry(), self.indices] = self.data
        return dense


def top_columns(rows: Rows, weights: np.ndarray, count: int) -> list[list[tuple[int, float]]]:
    """For each row, up to `count` (column, contribution) with the largest positive contributions
    (value times weight) first; a row without any holds its most negative one, if any."""
    import numpy as np

    n = rows.shape[0]
    picks: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    if not len(rows.data):
        return picks
    contributions = rows.data * weights[rows.indices]
    row = rows.row_of_entry()
    starts = rows.indptr[:-1][np.diff(rows.indptr) > 0]
    rows_with_entries = row[starts]
    left = np.where(contributions > 0, contributions, 0.0)
    for _ in range(count):
        best = np.zeros(n)
        best[rows_with_entries] = np.maximum.reduceat(left, starts)
        candidates = np.flatnonzero((left > 0) & (left == best[row]))
        if not len(candidates):
            break
        _, first = np.unique(row[candidates], return_index=True)
        chosen = candidates[first]
        for entry in chosen.tolist():
            picks[int(row[entry])].append((int(rows.indices[entry]), float(contributions[entry])))
        left[chosen] = 0.0
    worst = np.zeros(n)
    worst[rows_with_entries] = np.minimum.reduceat(contributions, starts)
    for r in np.flatnonzero(worst < 0).tolist():
        if not picks[r]:
            entries = np.arange(rows.indptr[r], rows.indptr[r + 1])
            entry = int(entries[np.argmin(contributions[entries])])
            picks[r].append((int(rows.indices[entry]), float(contributions[entry])))
    return picks


@record
class _Tokens:
    words: np.ndarray  # word ids, paper after paper, dropped words removed
    word_paper: np.ndarray  # the paper of each
    others: np.ndarray  # ids of author and category features
    other_paper: np.ndarray


def _tokens(papers: Sequence[PaperText | None], word_ids: Callable[[list[str]], Iterable[int]],
            other_ids: Callable[[str], int], dropped: Callable[[np.ndarray], np.ndarray]) -> _Tokens:
    import numpy as np

    ids = array("q")
    lengths = array("q")
    others = array("q")
    other_paper = array("q")
    for number, paper in enumerate(papers):
        if paper is None:
            lengths.append(0)
            continue
        found = words(f"{paper.title} {paper.abstract}")
        ids.extend(word_ids(found))
        lengths.append(len(found))
        for name in paper.authors:
            if name.strip():
                others.append(other_ids(AUTHOR + " ".join(name.lower().split())))
                other_paper.append(number)
        for category in paper.categories:
            if category.strip():
                others.append(other_ids(CATEGORY + category.strip()))
                other_paper.append(number)
    token_ids = np.frombuffer(ids, dtype=np.int64) if len(ids) else np.zeros(0, dtype=np.int64)
    token_paper = np.repeat(np.arange(len(papers)), np.frombuffer(lengths, dtype=np.int64)) if len(lengths) \
        else np.zeros(0, dtype=np.int64)
    keep = ~dropped(token_ids)
    return _Tokens(
        token_ids[keep], token_paper[keep],
        np.frombuffer(others, dtype=np.int64) if len(others) else np.zeros(0, dtype=np.int64),
        np.frombuffer(other_paper, dtype=np.int64) if len(other_paper) else np.zeros(0, dtype=np.int64),
    )


def _pairs(tokens: _Tokens, word_count: int, known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(code first * word_count + second, paper) of each pair of neighbouring words in a paper."""
    ids, paper = tokens.words, tokens.word_paper
    same = paper[1:] == paper[:-1]
    if known is not None:
        same &= known[1:] & known[:-1]
    return ids[:-1][same] * word_count + ids[1:][same], paper[:-1][same]


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values in ascending order, how often each occurs): np.unique's answer by
    one plain sort, many times faster than np.unique on millions of int64 (numpy 2.4)."""
    import numpy as np

    ordered = np.sort(values)
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _counted(paper: np.ndarray, column: np.ndarray, n_columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paper, column, count) of each distinct (paper, column), in paper then column order."""
    keys, counts = _unique_counts(paper * n_columns + column)
    return keys // n_columns, keys % n_columns, counts


def _rows(paper: np.ndarray, column: np.ndarray, counts: np.ndarray, n_papers: int, idf: np.ndarray) -> Rows:
    """Sublinear tf times idf, L2-normalised, from `_counted`'s arrays."""
    import numpy as np

    data = (1.0 + np.log(counts)) * idf[column]
    norms = np.sqrt(np.bincount(paper, weights=data * data, minlength=n_papers))
    norms[norms == 0] = 1.0
    data /= norms[paper]
    indptr = np.zeros(n_papers + 1, dtype=np.int64)
    np.cumsum(np.bincount(paper, minlength=n_papers), out=indptr[1:])
    return Rows(indptr, column.astype(np.int32), data, (n_papers, len(idf)))


def _columns_of_pairs(codes: np.ndarray, known_codes: np.ndarray, known_columns: np.ndarray) -> np.ndarray:
    """The column of each pair code among `known_codes` (ascending), -1 for the others."""
    import numpy as np

    columns = np.full(len(codes), -1, dtype=np.int64)
    if len(known_codes) and len(codes):
        where = np.minimum(np.searchsorted(known_codes, codes), len(known_codes) - 1)
        hit = known_codes[where] == codes
        columns[hit] = known_columns[where[hit]]
    return columns


class EmptyVocabulary(ValueError):
    """No paper has a word, an author or a category."""


def fit(papers: Sequence[PaperText], max_features: int) -> tuple[list[str], np.ndarray, Rows]:
    """(terms, idf, rows): the `max_features` most frequent features of `papers` (by count over
    all of them, as scikit-learn chooses), their smoothed idf, and the papers' tf-idf rows."""
    import numpy as np

    word_ids: defaultdict[str, int] = defaultdict()
    word_ids.default_factory = word_ids.__len__
    for word in sorted(_DROPPED):
        word_ids[word] = len(word_ids)
    n_dropped = len(word_ids)
    other_ids: defaultdict[str, int] = defaultdict()
    other_ids.default_factory = other_ids.__len__
    lookup = word_ids.__getitem__
    tokens = _tokens(papers, lambda found: map(lookup, found), other_ids.__getitem__,
                     lambda ids: ids < n_dropped)
    n_words = len(word_ids)
    pair_codes, pair_paper = _pairs(tokens, n_words)
    # One sort of (pair, paper) gives both each distinct pair's count and, for every occurrence,
    # the index of its pair (a running count of distinct pairs): no look-up of millions of codes.
    n_papers = max(len(papers), 1)
    if n_words * n_words < (1 << 62) // n_papers:
        ordered = np.sort(pair_codes * n_papers + pair_paper)
        pair_codes, pair_paper = ordered // n_papers, ordered % n_papers
    else:  # too many words to pack a paper beside each pair: sort the pairs alone
        order = np.argsort(pair_codes, kind="stable")
        pair_codes, pair_paper = pair_codes[order], pair_paper[order]
    new_pair = np.concatenate(([True], pair_codes[1:] != pair_codes[:-1])) if len(pair_codes) \
        else np.zeros(0, dtype=bool)
    pair_of = np.cumsum(new_pair) - 1
    pairs = pair_codes[new_pair]
    pair_counts = np.bincount(pair_of, minlength=len(pairs))
    # Candidate features: words [0, n_words), then pairs, then authors and categories.
    frequency = np.concatenate([
        np.bincount(tokens.words, minlength=n_words), pair_counts, np.bincount(tokens.others, minlength=len(other_ids)),
    ])
    candidates = np.flatnonzero(frequency)
    if not len(candidates):
        raise EmptyVocabulary("no paper has a word, an author or a category")
    if len(candidates) > max_features:
        candidates = np.sort(candidates[np.argpartition(-frequency[candidates], max_features - 1)[:max_features]])
    column_of = np.full(len(frequency), -1, dtype=np.int64)
    column_of[candidates] = np.arange(len(candidates))
    n_pairs = len(pairs)
    paper = np.concatenate([tokens.word_paper, pair_paper, tokens.other_paper])
    column = np.concatenate([
        column_of[tokens.words], column_of[n_words + pair_of], column_of[n_words + n_pairs + tokens.others],
    ])
    chosen = column >= 0
    paper, column = paper[chosen], column[chosen]
    n_papers, n_columns = len(papers), len(candidates)
    paper, column, counts = _counted(paper, column, n_columns)
    document_frequency = np.bincount(column, minlength=n_columns)
    idf = np.log((1.0 + n_papers) / (1.0 + document_frequency)) + 1.0
    word_list = list(word_ids)
    other_list = list(other_ids)
    terms = []
    for candidate in candidates.tolist():
        if candidate < n_words:
            terms.append(word_list[candidate])
        elif candidate < n_words + n_pairs:
            first, second = divmod(int(pairs[candidate - n_words]), n_words)
            terms.append(f"{word_list[first]} {word_list[second]}")
        else:
            terms.append(other_list[candidate - n_words - n_pairs])
    return terms, idf, _rows(paper, column, counts, n_papers, idf)


class Vocabulary:
    """Fitted terms (as `fit` names them) and their idf, applied to new papers."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray) -> None:
        import numpy as np

        self.idf = idf
        word_ids: dict[str, int] = {}
        single: list[tuple[int, int]] = []
        pairs: list[tuple[int, int, int]] = []
        self.others: dict[str, int] = {}
        for column, term in enumerate(terms):
            if term.startswith((AUTHOR, CATEGORY)):
                self.others[term] = column
            elif " " in term:
                first, second = term.split(" ", 1)
                pairs.append((word_ids.setdefault(first, len(word_ids)), word_ids.setdefault(second, len(word_ids)),
                              column))
            else:
                single.append((word_ids.setdefault(term, len(word_ids)), column))
        self.n_words = len(word_ids)
        self.word_column = np.full(self.n_words + 1, -1, dtype=np.int64)  # the last: unknown words
        for word, column in single:
            self.word_column[word] = column
        codes = np.asarray([a * self.n_words + b for a, b, _ in pairs], dtype=np.int64)
        order = np.argsort(codes)
        self.pair_codes = codes[order]
        self.pair_columns = np.asarray([c for _, _, c in pairs], dtype=np.int64)[order]
        self.lookup = {word: _STOP for word in _DROPPED} | word_ids

    def rows(self, papers: Sequence[PaperText | None]) -> Rows:
        """The tf-idf rows of `papers` (None: a paper without features, an empty row)."""
        import numpy as np

        get = self.lookup.get
        others = self.others.get
        tokens = _tokens(papers, lambda found: map(get, found, repeat(_UNKNOWN)), lambda f: others(f, -1),
                         lambda ids: ids == _STOP)
        known = tokens.words >= 0
        word_column = self.word_column[np.where(known, tokens.words, self.n_words)]
        codes, pair_paper = _pairs(tokens, self.n_words, known)
        pair_column = _columns_of_pairs(codes, self.pair_codes, self.pair_columns)
        paper = np.concatenate([tokens.word_paper, pair_paper, tokens.other_paper])
        column = np.concatenate([word_column, pair_column, tokens.others])
        found = column >= 0
        return _rows(*_counted(paper[found], column[found], len(self.idf)), len(papers), self.idf)
