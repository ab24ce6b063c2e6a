"""Bringing papers in from arXiv: add by id or URL, add search results, fetch followed feeds,
refresh metadata. Headless: the CLI and the TUI both call these.

Network first, then one short write: nothing is written until arXiv has answered, so a failed
fetch never changes the library.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Callable, Sequence

from .record import field, record, replace
from .clock import clock
from .errors import ReadrError
from .ids import ArxivId, InvalidArxivId, parse_arxiv_id
from .store import Paper, Store

FOLLOW_KINDS = ("category", "query", "author")
_KIND_ALIASES = {"cat": "category", "categories": "category", "q": "query", "au": "author", "authors": "author"}
_CATEGORY = re.compile(r"^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$")
FIRST_FETCH_DAYS = 7


# An explicit add of a paper that is in the inbox, was dismissed or is only in the catalogue (no
# status) puts it on the to-read list; a paper being read or already read keeps its status.
PROMOTED_ON_ADD = ("inbox", "dismissed", None)


@record
class AddReport:
    added: list[Paper] = field(default_factory=list)
    updated: list[Paper] = field(default_factory=list)  # arXiv papers already there, metadata refreshed
    # Of those, the ones put on the to-read list: (paper, old status).
    moved: list[tuple[Paper, str | None]] = field(default_factory=list)
    existing: list[Paper] = field(default_factory=list)  # web pages already there, unchanged
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # pasted text that is no id or URL, with why

    @property
    def changed(self) -> int:
        """Papers written to the library so far."""
        return len(self.added) + len(self.updated) + len(self.existing)

    @property
    def failed(self) -> bool:
        return bool(self.missing or self.errors or self.invalid)

    def lines(self) -> list[str]:
        """What happened to each id or URL, one line each (`readr add` prints them, the TUI shows them)."""
        moved = {paper.key: old for paper, old in self.moved}

        def where(paper: Paper, refreshed: bool) -> str:
            if paper.key in moved:
                return f"moved from {status_name(moved[paper.key])} to to-read"
            return status_name(paper.status) + (", metadata refreshed" if refreshed else "")

        return [
            *(f"added {paper.key}: {paper.title}" for paper in self.added),
            *(f"already in library ({where(paper, True)}): {paper.key}: {paper.title}" for paper in self.updated),
            *(f"already in library ({where(paper, False)}): {paper.key}: {paper.title}" for paper in self.existing),
            *problem_lines(self.missing, self.errors, self.invalid),
        ]


def status_name(status: str | None) -> str:
    return {"inbox": "the inbox", None: "the catalogue"}.get(status, status or "")


def problem_lines(missing: Sequence[str], errors: Sequence[str], invalid: Sequence[str]) -> list[str]:
    """One line for each id arXiv does not know, each failure, each piece of text no id or URL."""
    return [*(f"not found on arXiv: {line}" for line in missing), *(f"failed: {line}" for line in errors), *invalid]


@record
class Reference:
    """What the reader pasted: an arXiv id, or a web page (URL + title)."""

    text: str
    arxiv: ArxivId | None = None
    url: str | None = None


def parse_references(texts: Sequence[str], web_pages: bool = True) -> list[Reference]:
    """Every pasted id or URL, or a ReadrError naming the first one that is neither.

    A URL that is not an arXiv paper is a web page only with `web_pages` (`readr add --web`;
    the TUI's add dialog lists it as a candidate the reader picks): otherwise a typo such as
    arxiv.og would quietly become a web entry titled with its URL.
    """
    refs = []
    for text in texts:
        try:
            refs.append(Reference(text, arxiv=parse_arxiv_id(text)))
        except InvalidArxivId as exc:
            stripped = text.strip()
            if re.match(r"^https?://[^\s/]+\.[^\s/]+", stripped) and "arxiv.org" not in stripped.lower():
                if not web_pages:
                    raise ReadrError(_not_an_arxiv_url(stripped)) from None
                refs.append(Reference(text, url=stripped))
            else:
                raise ReadrError(f"{text!r} is not an arXiv id or URL: {exc.reason}") from None
    return refs


def _not_an_arxiv_url(url: str) -> str:
    """Why a web URL was refused, with the arXiv URL it probably meant (arxiv.og/abs/0704.0010)."""
    path = re.sub(r"^https?://[^/]+", "", url)
    guess = None
    if path.startswith(("/abs/", "/pdf/")):
        try:
            guess = f"https://arxiv.org/abs/{parse_arxiv_id('https://arxiv.org' + path)}"
        except InvalidArxivId:
            guess = None
    meant = f" (did you mean {guess}?)" if guess else ""
    return f"{url!r} is not an arXiv paper{meant}; to add it as a web page, use --web"


def read_references(texts: Sequence[str], web_pages: bool = True) -> tuple[list[Reference], list[str]]:
    """Each pasted id or URL, and one line for each piece of text that is neither (never raises)."""
    refs: list[Reference] = []
    invalid: list[str] = []
    for text in texts:
        try:
            refs += parse_references([text], web_pages=web_pages)
        except ReadrError as exc:
            invalid.append(str(exc))
    return refs, invalid


# Text that is meant as an id or URL even when it is not a valid one (a typo to report, not words
# to search for): a URL, an arXiv or DOI prefix, YYMM.N..., archive/YYMM...
_MEANT_AS_REFERENCE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|www\.|arxiv[:.]|doi:|10\.\d|\d{4}\.\d|[a-z-]+(?:\.[a-z-]+)?/\d)", re.IGNORECASE
)


_STAMP_CATEGORY = re.compile(r"^\[[A-Za-z][A-Za-z-]*(?:\.[A-Za-z][A-Za-z-]*)?\]$")


def join_stamps(texts: Sequence[str]) -> list[str]:
    """Pieces of text with an arXiv listing stamp split off joined back to their id: a shell or a
    pasted line splits `arXiv:0706.0001v1 [q-bio.CB] 1 Jun 2007` at its spaces."""
    joined: list[str] = []
    i = 0
    while i < len(texts):
        text = texts[i]
        if joined and _STAMP_CATEGORY.match(text.strip()):
            stamp = [text.strip()]
            day = texts[i + 1 : i + 4]
            if len(day) == 3 and re.fullmatch(r"[0-9]{1,2} [A-Za-z]{3} [0-9]{4}", " ".join(t.strip() for t in day)):
                stamp += [t.strip() for t in day]
                i += 3
            joined[-1] = joined[-1].rstrip() + " " + " ".join(stamp)
        else:
            joined.append(text)
        i += 1
    return joined


def pasted_tokens(text: str) -> list[str]:
    """The ids or URLs in a pasted line: separated by spaces, commas or semicolons."""
    return join_stamps([token for token in re.split(r"[\s,;]+", text.strip()) if token])


def is_search_query(text: str) -> bool:
    """True when no word of the line is, or is meant as, an id or URL: the reader typed an arXiv
    query. A line with one (even among other words) is a list of references, each reported."""
    tokens = pasted_tokens(text)
    if not tokens:
        return False
    refs, _ = read_references(tokens)
    return not refs and not any(_MEANT_AS_REFERENCE.match(token) for token in tokens)


@record
class Lookup:
    """What arXiv said about pasted ids and URLs, before anything is stored: its records, the web
    pages, and a line for each id arXiv does not know, each failure and each piece of text that
    is no id or URL. `add_looked_up` stores it (all of it, or the picks of `only`)."""

    records: list = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    versions: dict[str, int | None] = field(default_factory=dict)  # arXiv id -> version asked for
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return problem_lines(self.missing, self.errors, self.invalid)

    def only(self, records: Sequence, urls: Sequence[str]) -> "Lookup":
        """The same lookup with only these records and web pages to add (the reader's picks)."""
        return replace(self, records=list(records), urls=list(urls))


def look_up_references(
    client, texts: Sequence[str], on_progress: Callable[[int, int], None] | None = None, web_pages: bool = True
) -> Lookup:
    """Ask arXiv about the ids among `texts` (batched); nothing is written. Text that is no id or
    URL (a web URL too, without `web_pages`) is reported in `invalid`. ArxivError when arXiv
    answered nothing at all."""
    refs, invalid = read_references(texts, web_pages=web_pages)
    lookup = Lookup(invalid=invalid)
    arxiv_refs = [r.arxiv for r in refs if r.arxiv is not None]
    if arxiv_refs:
        from .arxiv_api import ArxivError

        try:
            result = client.fetch_ids(arxiv_refs, on_progress=on_progress)
        except ArxivError as exc:
            if exc.partial is None or not exc.partial.records:
                raise
            result = exc.partial  # its errors name each id that did not arrive
        lookup.versions = {ref.base: ref.version for ref in arxiv_refs}
        lookup.records = list(result.records)
        lookup.missing += result.missing
        lookup.errors += result.errors
    lookup.urls = [ref.url for ref in refs if ref.url is not None]
    return lookup


def add_looked_up(
    store: Store, lookup: Lookup, status: str = "to-read", title: str | None = None, report: AddReport | None = None
) -> AddReport:
    """Store what a lookup found: the one way papers are added by id or URL, from `readr add` and
    the TUI. The report has a line for every id or URL, added or not; papers are written one by
    one into `report` (pass one to know, after Ctrl-C, what was written)."""
    report = report if report is not None else AddReport()
    report.missing += lookup.missing
    report.errors += lookup.errors
    report.invalid += lookup.invalid
    for metadata in lookup.records:
        paper, created = store.upsert_arxiv(
            metadata, status=status, have_version=lookup.versions.get(metadata.arxiv_id)
        )
        _note_added(store, report, paper, created, status)
    for url in lookup.urls:
        paper, created = store.add_web(url, title or url, status=status)
        if created:
            report.added.append(paper)
        else:
            report.existing.append(_onto_list(store, report, paper, status))
    return report


def add_references(
    store: Store,
    client,
    texts: Sequence[str],
    status: str = "to-read",
    title: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    web_pages: bool = False,
    report: AddReport | None = None,
) -> AddReport:
    """Add papers by id or URL (web pages only with `web_pages`). Bad input fails before any
    request; what arXiv returns is stored even when part of the batch failed, and the rest is
    reported."""
    from .arxiv_api import ArxivError

    parse_references(texts, web_pages=web_pages)
    try:
        lookup = look_up_references(client, texts, on_progress=on_progress, web_pages=web_pages)
    except ArxivError as exc:
        return _add_known_offline(store, texts, exc, status, title, web_pages, report)
    return add_looked_up(store, lookup, status=status, title=title, report=report)


def _add_known_offline(
    store: Store, texts: Sequence[str], error: Exception, status: str, title: str | None, web_pages: bool,
    report: AddReport | None,
) -> AddReport:
    """arXiv did not answer: papers already in the library still go onto the list (their metadata
    stays as it was) and web pages are added; the other ids fail with arXiv's error. With no id
    known to the library, the error is raised."""
    refs, invalid = read_references(texts, web_pages=web_pages)
    known = [(ref, store.find(ref.arxiv.base)) for ref in refs if ref.arxiv is not None]
    if not any(paper is not None for _, paper in known):
        raise error
    lookup = Lookup(invalid=invalid, urls=[ref.url for ref in refs if ref.url is not None])
    report = add_looked_up(store, lookup, status=status, title=title, report=report)
    for ref, paper in known:
        if paper is None:
            report.errors.append(f"{ref.text}: {error}")
        else:
            report.existing.append(_onto_list(store, report, paper, status))
    report.errors.append(f"metadata not refreshed: {error}")
    return report


def add_records(store: Store, records, status: str = "to-read") -> AddReport:
    """Add papers the reader picked from arXiv search results (no second request needed)."""
    return add_looked_up(store, Lookup(records=list(records)), status=status)


def _note_added(store: Store, report: AddReport, paper: Paper, created: bool, status: str) -> None:
    if created:
        report.added.append(paper)
    else:
        report.updated.append(_onto_list(store, report, paper, status))


def _onto_list(store: Store, report: AddReport, paper: Paper, status: str) -> Paper:
    """A paper the reader added again on purpose goes from the inbox (or dismissed) to the
    to-read list, as `add` promises; reading and read papers are not demoted."""
    if status != "to-read" or paper.status not in PROMOTED_ON_ADD:
        return paper
    old = paper.status
    paper = store.set_status([paper.key], "to-read")[0]
    report.moved.append((paper, old))
    return paper


# --- follows -------------------------------------------------------------------------------------


def normalize_follow(kind: str, value: str) -> tuple[str, str]:
    kind = _KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if kind not in FOLLOW_KINDS:
        raise ReadrError(f"can follow a category, a query or an author, not {kind!r}")
    value = " ".join(value.split())
    if not value:
        raise ReadrError(f"which {kind} should readr follow?")
    if kind == "category" and not _CATEGORY.match(value):
        raise ReadrError(f"{value!r} is not an arXiv category such as cs.LG or hep-th")
    return kind, value


def follow_query(kind: str, value: str) -> str:
    """The arXiv search query for a followed category, author or query."""
    if kind == "category":
        return f"cat:{value}"
    if kind == "author":
        return 'au:"' + value.replace('"', "") + '"'
    return value


@record
class FeedWindow:
    """What one followed feed was asked for: its papers submitted since `since` (ISO)."""

    kind: str
    value: str
    since: str
    first: bool  # never fetched before: the last FIRST_FETCH_DAYS days
    new: int = 0


@record
class FetchReport:
    new: list[Paper] = field(default_factory=list)
    seen: int = 0
    errors: list[str] = field(default_factory=list)
    windows: list[FeedWindow] = field(default_factory=list)


def fetch_follows(
    store: Store, client, max_per_follow: int = 200, now: datetime | None = None, since: str | None = None
) -> FetchReport:
    """Newest papers of every followed feed since its last pull go to the inbox.

    A feed's pull time only advances when it was fetched completely, so a failed pull is
    retried from the same point next time.
    """
    from .arxiv_api import ArxivError

    follows = store.follows()
    if not follows:
        raise ReadrError("you follow nothing yet: try `readr follow category cs.LG`")
    report = FetchReport()
    for row in follows:
        started = (now or clock.now_utc()).isoformat(timespec="seconds")
        start = since or row["last_fetched_at"] or (
            (now or clock.now_utc()) - timedelta(days=FIRST_FETCH_DAYS)
        ).isoformat(timespec="seconds")
        window = FeedWindow(row["kind"], row["value"], start, first=not since and not row["last_fetched_at"])
        report.windows.append(window)
        try:
            records = client.newest(follow_query(row["kind"], row["value"]), since=start, max_results=max_per_follow)
        except ArxivError as exc:
            report.errors.append(f"{row['kind']} {row['value']}: {exc}")
            continue
        for metadata in records:
            paper, created = store.upsert_arxiv(metadata, status="inbox")
            if created:
                window.new += 1
                report.new.append(paper)
            else:
                report.seen += 1
        store.mark_followed(row["id"], started)
    return report


# --- refresh -------------------------------------------------------------------------------------


@record
class RefreshReport:
    refreshed: list[Paper] = field(default_factory=list)
    newer: list[Paper] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def refresh(store: Store, client, refs: Sequence[str] = (), on_progress=None) -> RefreshReport:
    """Re-fetch the latest metadata; report papers with an arXiv version newer than the one read."""
    if refs:
        papers = [store.get(ref) for ref in refs]
        not_arxiv = [p.key for p in papers if not p.arxiv_id]
        if not_arxiv:
            raise ReadrError(f"{not_arxiv[0]} is not an arXiv paper; nothing to refresh")
    else:
        papers = [p for p in store.list_papers() if p.arxiv_id]
    report = RefreshReport()
    if not papers:
        return report
    result = client.fetch_ids([ArxivId(p.arxiv_id, None) for p in papers if p.arxiv_id], on_progress=on_progress)
    for metadata in result.records:
        paper, _ = store.upsert_arxiv(metadata, status=None)
        report.refreshed.append(paper)
        if paper.newer_version_available:
            report.newer.append(paper)
    report.missing, report.errors = result.missing, result.errors
    return report
