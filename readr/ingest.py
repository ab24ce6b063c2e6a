"""Bringing papers in from arXiv: add by id or URL, add search results, fetch followed feeds,
refresh metadata. Headless: the CLI and the TUI both call these.

Network first, then one short write: nothing is written until arXiv has answered, so a failed
fetch never changes the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Sequence

from .clock import clock
from .errors import ReadrError
from .ids import ArxivId, InvalidArxivId, parse_arxiv_id
from .store import Paper, Store

FOLLOW_KINDS = ("category", "query", "author")
_KIND_ALIASES = {"cat": "category", "categories": "category", "q": "query", "au": "author", "authors": "author"}
_CATEGORY = re.compile(r"^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$")
FIRST_FETCH_DAYS = 7


# An explicit add of a paper that is in the inbox or was dismissed puts it on the to-read list;
# a paper being read or already read keeps its status.
PROMOTED_ON_ADD = ("inbox", "dismissed")


@dataclass
class AddReport:
    added: list[Paper] = field(default_factory=list)
    updated: list[Paper] = field(default_factory=list)  # arXiv papers already there, metadata refreshed
    moved: list[tuple[Paper, str]] = field(default_factory=list)  # of those, put on the to-read list: (paper, old status)
    existing: list[Paper] = field(default_factory=list)  # web pages already there, unchanged
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Papers written to the library so far."""
        return len(self.added) + len(self.updated) + len(self.existing)

    @property
    def failed(self) -> bool:
        return bool(self.missing or self.errors)


@dataclass
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
    reported. Papers are written one by one into `report` (pass one to know, after Ctrl-C,
    what was written)."""
    refs = parse_references(texts, web_pages=web_pages)
    report = report if report is not None else AddReport()
    arxiv_refs = [r.arxiv for r in refs if r.arxiv is not None]
    if arxiv_refs:
        from .arxiv_api import ArxivError

        try:
            result = client.fetch_ids(arxiv_refs, on_progress=on_progress)
        except ArxivError as exc:
            if exc.partial is None or not exc.partial.records:
                raise
            result = exc.partial
        requested = {ref.base: ref.version for ref in arxiv_refs}
        report.missing += result.missing
        report.errors += result.errors
        for record in result.records:
            paper, created = store.upsert_arxiv(record, status=status, have_version=requested.get(record.arxiv_id))
            _note_added(store, report, paper, created, status)
    for ref in refs:
        if ref.url is not None:
            paper, created = store.add_web(ref.url, title or ref.url, status=status)
            if created:
                report.added.append(paper)
            else:
                report.existing.append(_onto_list(store, report, paper, status))
    return report


def add_records(store: Store, records, status: str = "to-read") -> AddReport:
    """Add papers the reader picked from arXiv search results (no second request needed)."""
    report = AddReport()
    for record in records:
        paper, created = store.upsert_arxiv(record, status=status)
        _note_added(store, report, paper, created, status)
    return report


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


@dataclass
class FeedWindow:
    """What one followed feed was asked for: its papers submitted since `since` (ISO)."""

    kind: str
    value: str
    since: str
    first: bool  # never fetched before: the last FIRST_FETCH_DAYS days
    new: int = 0


@dataclass
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
        for record in records:
            paper, created = store.upsert_arxiv(record, status="inbox")
            if created:
                window.new += 1
                report.new.append(paper)
            else:
                report.seen += 1
        store.mark_followed(row["id"], started)
    return report


# --- refresh -------------------------------------------------------------------------------------


@dataclass
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
    result = client.fetch_ids([ArxivId(p.arxiv_id, None) for p in papers], on_progress=on_progress)
    for record in result.records:
        paper, _ = store.upsert_arxiv(record, status=None)
        report.refreshed.append(paper)
        if paper.newer_version_available:
            report.newer.append(paper)
    report.missing, report.errors = result.missing, result.errors
    return report
