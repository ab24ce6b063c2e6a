"""The search language shared by `readr search` and the TUI search bar.

Free text plus filters: `tag:`, `status:`, `author:`, `cat:`, `year:`, `week:` and `reader:`, and one
order, `like:TAG` (the results by their likeness to the papers tagged TAG: readr.tag_ranking). Free text
becomes a safe FTS5 MATCH expression: every token is quoted (so `-`, `AND`, `C++`, `"` or
`arXiv:2401.00001` are plain words), and the last token becomes a prefix once it has three
characters (shorter prefixes expand to most of the vocabulary and are slow).

The index's tokenizer keeps letters and digits only, so `C++`, `C#` and `.NET` are indexed as
"c" and "net". Such a term is matched twice: its words through the index, then the text as
written (see `Query.literals`; readr.store.search filters on them).

`bogus:x` (a lowercase word, a colon and a value) is a filter readr does not know, and a known
filter with no value (`tag:`) says so (QueryError), rather than finding no papers; a colon
elsewhere is text (`arXiv:2101.00001`, `https://...`, `Note:`).
"""

from __future__ import annotations

import re
from datetime import date
from collections.abc import Callable, Sequence

from .record import field, frozen_record, record
from .errors import QueryError, ReadrError
from .sanitize import clean_line, clean_text
from .statuses import STATUS_CHOICES, STATUSES, UnknownStatus, parse_status
from .tags import normalize_tag
from .weeks import week_of

@frozen_record
class SearchFilter:
    key: str
    example: str  # the shortest useful one, for placeholders and error messages
    meaning: str


# The filters, described once: `readr search --help`, the TUI's search placeholder and help
# screen, and the errors for an unknown or empty filter are made from this table.
SEARCH_FILTERS = (
    SearchFilter("tag", "tag:ml", "papers with this tag"),
    SearchFilter("status", "status:read", f"papers with this status: {STATUS_CHOICES}"),
    SearchFilter("author", "author:curie", "papers by an author (a name or part of one)"),
    SearchFilter("cat", "cat:cs.LG", "papers in an arXiv category, or a whole archive: cat:cs"),
    SearchFilter("year", "year:2021", "papers published that year, or in a range: year:2019..2021"),
    SearchFilter("week", "week:last", "papers read in a week: this, last, or a date in it (week:2024-03-04)"),
    SearchFilter("reader", "reader:alice", "papers a teammate has in their notes (readr sync)"),
    SearchFilter("like", "like:graphs", "the results most like the papers you tagged graphs first"),
)
FILTER_KEYS = tuple(f.key for f in SEARCH_FILTERS)
_EXAMPLES = {f.key: f.example for f in SEARCH_FILTERS}
SEARCH_TEXT_HELP = 'words (the last one as a prefix) and "a phrase"'


def search_placeholder() -> str:
    """One line for a search box: the text and an example of every filter."""
    return 'words, "phrase", ' + " ".join(f.example for f in SEARCH_FILTERS)


def search_help_lines() -> list[str]:
    """The search language, a line per filter (`readr search --help`, the TUI's help screen)."""
    width = max(len(f.key) for f in SEARCH_FILTERS) + 1
    return [f"Free text: {SEARCH_TEXT_HELP}; filters:"] + [
        f"  {f.key + ':':<{width}}  {f.meaning}" for f in SEARCH_FILTERS
    ]

# A token is a double-quoted phrase, or a run of non-space characters; a filter value may be quoted.
_TOKEN = re.compile(r'(?P<key>[A-Za-z]+):"(?P<qval>[^"]*)"?|"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_WORDISH = re.compile(r"\w")
# Symbols the tokenizer drops that change what a word is: C++, C#, F#, AT&T (a symbol right after a
# letter or digit), and .NET (a leading dot). Other punctuation separates words, and the phrase of
# those words is what is meant (self-supervised, node.js, arXiv:2101.00001); a leading # is the
# way people write tags (#ml).
_LITERAL = re.compile(r"\w[+#&]|^\.\w")
# What a filter looks like: a lowercase word before the colon. These prefixes are identifiers and
# links rather than filters.
_FILTER_SHAPED = re.compile(r"[a-z]{2,12}")
_NOT_FILTERS = {"arxiv", "doi", "http", "https", "ftp", "mailto", "urn", "isbn", "issn", "pmid", "pmc", "hdl", "file",
                "www", "orcid"}


@record
class Query:
    """A parsed query: free-text terms (each a word or a phrase) and filters."""

    terms: list[str] = field(default_factory=list)
    prefix_last: bool = False
    tags: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)
    weeks: list[tuple[date, date]] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    like: str | None = None  # order by likeness to the papers with this tag (an order, not a filter)
    team: bool = False  # only papers some teammate has (the TUI's Team view; no search word for it)
    raw_text: str = ""

    @property
    def literals(self) -> list[tuple[str, bool]]:
        """(term, is_prefix) for each free-text term that must also appear as written, symbols
        and all (C++, C#, .NET), case-insensitively."""
        last = len(self.terms) - 1
        return [
            (term, self.prefix_last and i == last) for i, term in enumerate(self.terms) if _LITERAL.search(term)
        ]

    @property
    def has_filters(self) -> bool:
        return bool(self.tags or self.statuses or self.authors or self.categories or self.years or self.weeks
                    or self.readers)

    def fts_expression(
        self, last_alternatives: Sequence[str] | None = None, no_words: Callable[[str], bool] | None = None
    ) -> str | None:
        """The MATCH expression for the free text and author filters, or None if there is none.

        With `last_alternatives` (only used when the last term is a prefix), the prefix is written
        as an OR of those words or phrases instead of `"term"*` (readr.store.search finds the
        words the index holds under it). That needs explicit ANDs, in which a phrase of no words
        (such as "_") matches nothing, where FTS5's implicit AND of phrases leaves it out:
        `no_words(text)` says which terms and author names FTS5 reads as no words, and they are
        left out here too.
        """
        parts = [_quote(term) for term in self.terms]
        authors = [f"authors_text : {_quote(name)}" for name in self.authors]
        if parts and self.prefix_last and last_alternatives is not None:
            if not last_alternatives:
                raise ValueError("an empty list of alternatives matches nothing; pass the word itself")
            empty = no_words or (lambda text: False)
            group = "(" + " OR ".join(_quote(text) for text in last_alternatives) + ")"
            head = [part for term, part in zip(self.terms[:-1], parts[:-1]) if not empty(term)]
            tail = [part for name, part in zip(self.authors, authors) if not empty(name)]
            return " AND ".join([*head, group, *tail])
        if parts and self.prefix_last:
            parts[-1] += "*"
        parts += authors
        return " ".join(parts) if parts else None


def literal_pattern(term: str, prefix: bool = False) -> str:
    """A regular expression (for re.IGNORECASE) that finds `term` as written in a text: not inside
    a longer word where the term starts or ends with a letter or digit ("C#" is not in "ABC#";
    ".NET" is in "ASP.NET"), any whitespace between its words, and open at the end for a prefix."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    head = r"(?<!\w)" if term[:1].isalnum() else ""
    tail = r"(?!\w)" if term[-1:].isalnum() and not prefix else ""
    return head + body + tail


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _parse_year(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(?:\s*(?:\.\.|-)\s*(\d{4}))?", value.strip())
    if not match:
        raise QueryError(f"year:{value} is not a year; use year:2021 or year:2019..2021")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return (min(low, high), max(low, high))


def _parse_status(value: str) -> str:
    try:
        return parse_status(value)
    except UnknownStatus:
        raise QueryError(f"status:{value} is not a status; use one of {', '.join(STATUSES)}") from None


def parse_query(text: str | None, *, week_start: int = 0, today: date | None = None) -> Query:
    """Parse user input. Never raises anything but QueryError (for a bad filter value)."""
    text = clean_text(text)  # NUL and other control characters break MATCH strings
    query = Query(raw_text=text)
    last_was_word = False
    for match in _TOKEN.finditer(text):
        key = match.group("key")
        if key is not None:
            _apply_filter(query, key.lower(), match.group("qval"), week_start, today, raw=match.group(0))
            last_was_word = False
            continue
        phrase = match.group("phrase")
        if phrase is not None:
            if _WORDISH.search(phrase):
                query.terms.append(phrase)
            last_was_word = False
            continue
        word = match.group("word")
        head, sep, value = word.partition(":")
        if sep and (head.lower() in FILTER_KEYS or _is_unknown_filter(head, value)):
            _apply_filter(query, head.lower(), value, week_start, today, raw=word)
            last_was_word = False
            continue
        if _WORDISH.search(word):
            query.terms.append(word)
            last_was_word = True
        else:
            last_was_word = False
    if query.terms and last_was_word and len(query.terms[-1]) >= 3 and not text[-1:].isspace():
        # A word that ends in a symbol kept as written (C++) is complete: its last index word ("c")
        # is not the start of a longer one.
        query.prefix_last = not (_LITERAL.search(query.terms[-1]) and not query.terms[-1][-1].isalnum())
    return query


def _is_unknown_filter(head: str, value: str) -> bool:
    """Whether `head:value` looks like a filter readr does not know (`bogus:x`), rather than text
    with a colon in it (`arXiv:2101.00001`, `https://...`, `Note:`, `std::vector`)."""
    return (
        bool(value) and _FILTER_SHAPED.fullmatch(head) is not None and head not in _NOT_FILTERS
        and not value.startswith(("/", ":"))
    )


def _apply_filter(query: Query, key: str, value: str, week_start: int, today: date | None, raw: str) -> None:
    if key not in FILTER_KEYS:
        if _is_unknown_filter(raw.partition(":")[0], value or "x"):
            raise QueryError(
                f"{clean_line(raw)} is not a filter readr knows; the filters are "
                f"{', '.join(k + ':' for k in FILTER_KEYS)} (put a word with a colon in quotes to search for it)"
            )
        # `foo:"bar"` with a key that is no filter's shape is just text.
        if _WORDISH.search(raw):
            query.terms.append(raw.replace('"', " ").strip())
        return
    value = value.strip()
    if not value and key != "week":
        raise QueryError(f"{key}: needs a value, e.g. {_EXAMPLES[key]}")
    if key == "tag":
        try:
            query.tags.append(normalize_tag(value))
        except ReadrError as exc:
            raise QueryError(f"tag:{clean_line(value)}: {exc}") from None
    elif key == "status":
        query.statuses.append(_parse_status(value))
    elif key == "author":
        if _WORDISH.search(value):
            query.authors.append(value)
    elif key == "cat":
        query.categories.append(value)
    elif key == "year":
        query.years.append(_parse_year(value))
    elif key == "week":
        query.weeks.append(week_of(value, week_start, today))
    elif key == "reader":
        query.readers.append(value)
    elif key == "like":
        try:
            tag = normalize_tag(value)
        except ReadrError as exc:
            raise QueryError(f"like:{clean_line(value)}: {exc}") from None
        if query.like is not None and query.like != tag:
            raise QueryError(f"one like: per search (like:{query.like} and like:{tag}): results have one order")
        query.like = tag
