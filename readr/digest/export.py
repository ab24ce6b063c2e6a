"""Render the weekly digest (digest-format.md) from the library.

A week runs from the configured start day for seven days and is labelled by its last day
(`### 2007-4-8:`). Within a week papers appear in reading order (read_at, read_seq), each
summary verbatim. Entries imported from a published page keep that page's link target and
title text, so exporting an imported week gives the page back. The output is deterministic,
holds no terminal control characters, and is written atomically.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from ..record import record
from ..errors import ReadrError
from ..files import atomic_write_text
from ..sanitize import clean_line, clean_text
from ..weeks import week_bounds, week_label
from . import FENCE, LIST_MARKER, entry_start, escape_title, format_destination

if TYPE_CHECKING:
    from ..store import Paper, Store
    from ..store.digest import DigestEntry
    from .assets import AssetCopier

# A first summary line that cannot follow the link on its line: it starts a block.
_BLOCK_START = re.compile(
    r"^( {0,3}([*+-]|\d{1,9}[.)])(\s|$)| {0,3}>| {0,3}#{1,6}(\s|$)| {0,3}\|.*\|| {0,3}(`{3,}|~{3,})| {4,}|\t)"
)


def day_label(day: date) -> str:
    """`2007-4-8`: no zero padding."""
    return f"{day.year}-{day.month}-{day.day}"


def week_heading(label: date) -> str:
    return f"### {day_label(label)}:"


def protect_summary(lines: Sequence[str]) -> list[str]:
    """Indent (by one space, which Markdown ignores) summary lines at column 0 that the importer
    would otherwise read as a new entry or a heading."""
    out, fence = [], None
    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            out.append(line)
            continue
        match = FENCE.match(line)
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        if line.startswith("#") or entry_start(line) is not None:
            line = " " + line
        out.append(line)
    return out


def paper_link(paper: "Paper") -> str:
    """Where a paper's digest entry links: its arXiv or web page, else its DOI; "" when it has
    neither (a paper imported from a local PDF: a link to a file on the reader's disk would be
    broken for everyone the digest is published to)."""
    if paper.link:
        return clean_line(paper.link)
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", clean_line(paper.doi or "").strip(), flags=re.I)
    return f"https://doi.org/{doi}" if doi else ""


def render_entry(paper: "Paper", digest: "DigestEntry | None" = None) -> str:
    """One entry: `[**Title**](link) summary...`, continuation paragraphs verbatim; a paper
    without a link gets its title in bold, without a link (`**Title** summary...`)."""
    style = digest.style if digest else {}
    marker = str(style.get("marker") or "")
    if marker and not LIST_MARKER.match(marker):
        marker = ""
    if digest is not None:
        # The page's own title text, unless the reader corrected the title since (Store.edit_metadata).
        title = clean_line(digest.title) or escape_title(clean_line(paper.title) or paper.key)
        target = clean_line(digest.link)
    else:
        title = escape_title(clean_line(paper.title) or paper.key)
        target = paper_link(paper)
    bold = style.get("bold", True)
    text = f"**{title}**" if bold is True and title else title
    if target:
        dest = format_destination(target)
        link_title = style.get("link_title")
        if isinstance(link_title, str):
            dest += ' "' + clean_line(link_title).replace("\\", "\\\\").replace('"', '\\"') + '"'
        head = f"[{text}]({dest})"
        head = f"{marker}**{head}**" if bold == "outer" else marker + head
    else:
        head = f"{marker}**{title}**"
    summary = clean_text(paper.summary).strip()
    if not summary:
        return head
    raw_after = style.get("after")
    after = clean_text(raw_after).replace("\n", " ") if isinstance(raw_after, str) else " "
    lines = summary.split("\n")
    brk = style.get("break")
    if digest is not None:
        # As the page had it: on the link's line, or on the next line or paragraph.
        brk = brk if isinstance(brk, int) and brk in (1, 2) else 0
    elif _BLOCK_START.match(lines[0]):
        brk = 2  # a list, quote, heading, table or code block starts its own paragraph
    else:
        brk = 0
    if brk:
        first = head + (after.rstrip() if after.strip() else "")
        out = [first] + [""] * (brk - 1) + protect_summary(lines)
        first_summary_line = brk  # out[first_summary_line + i] is summary line i
    else:
        out = [head + after + lines[0]] + protect_summary(lines[1:])
        first_summary_line = 0
    if marker:
        # Continuation lines belong to the list item, except those the page had at column 0.
        raw_flush = style.get("flush")
        flush_at = raw_flush if isinstance(raw_flush, list) else []
        flush = {first_summary_line + i for i in flush_at if isinstance(i, int)}
        pad = " " * len(marker)
        out = out[:1] + [
            "" if not line.strip() else line if n in flush else pad + line for n, line in enumerate(out[1:], 1)
        ]
    return "\n".join(out)


@record
class WeekDigest:
    label: date
    first: date
    last: date
    papers: list["Paper"]
    entries: list[str]


def collect_week(
    store: "Store",
    day: date,
    week_start: int = 0,
    include_unsummarized: bool = False,
    assets: "AssetCopier | None" = None,
) -> WeekDigest:
    first, last = week_bounds(day, week_start)
    papers = store.read_between(first, last)
    digests = store.digest_entries(p.key for p in papers)
    chosen, entries = [], []
    for paper in papers:
        digest = digests.get(paper.key)
        # A paper read without a summary is left out, unless asked for, or it was on a
        # published page (imported) as a bare title.
        if not paper.summary.strip() and not include_unsummarized and digest is None:
            continue
        if assets is not None and paper.summary:
            paper.summary = assets.rewrite(paper.summary, digest.base_dir if digest else None)
        chosen.append(paper)
        entries.append(render_entry(paper, digest))
    return WeekDigest(label=last, first=first, last=last, papers=chosen, entries=entries)


def _attributed(reader: str, text: str) -> str:
    """A summary prefixed by its reader, in italics (bold would make the name a takeaway)."""
    if _BLOCK_START.match(text.split("\n", 1)[0]):
        return f"*{reader}:*\n\n{text}"
    return f"*{reader}:* {text}"


def collect_team_week(
    store: "Store",
    day: date,
    week_start: int = 0,
    include_unsummarized: bool = False,
    assets: "AssetCopier | None" = None,
    published: bool = False,
    reader: str | None = None,
    title_of: "Callable[[str, str], str | None] | None" = None,
) -> WeekDigest:
    """The team's week: every paper this reader or a teammate (readr sync) marked read in it, once,
    in the order it was first read, each summary attributed to its reader (this reader first).

    `published` renders the page `readr sync --publish` keeps in the shared repository, the same
    whoever renders it: summaries in reading order whoever wrote them, and no link styles of
    pages the reader imported. `reader` is this reader's name (default: the one sync remembers);
    `title_of(reader, key)`, the title a reader's note gives a paper, names each paper as its first
    reader's note does (each library's own copy of a title may differ)."""
    first, last = week_bounds(day, week_start)
    me = clean_line(reader or store.get_meta("sync.reader")) or "me"
    readings: dict[str, list[tuple[str, str, str, bool]]] = {}  # key -> (read_at, reader, summary, mine)
    for paper in store.read_between(first, last):
        readings.setdefault(paper.key, []).append((paper.read_at or "", me, paper.summary, True))
    for note in store.team_read_between(first, last):
        readings.setdefault(note.paper_key, []).append((note.read_at or "", note.reader, note.summary, False))
    order = sorted(readings, key=lambda key: min(r[0] for r in readings[key]))
    digests = store.digest_entries(order)
    chosen, entries = [], []
    for key in order:
        found = store.find(key)
        if found is None:
            continue
        paper = found
        mine = [r for r in readings[key] if r[3]]
        others = sorted((r for r in readings[key] if not r[3]), key=lambda r: (r[0], r[1]))
        ordered = sorted(mine + others, key=lambda r: (r[0], r[1])) if published else mine + others
        summaries = [(name, clean_text(text).strip()) for _, name, text, _ in ordered]
        summaries = [(name, text) for name, text in summaries if text]
        if not summaries and not include_unsummarized:
            continue
        digest = digests.get(key) if mine and not published else None
        text = "\n\n".join(_attributed(name, text) for name, text in summaries)
        if assets is not None and text:
            text = assets.rewrite(text, digest.base_dir if digest else None)
        paper.summary = text
        if published:
            paper.read_version = None  # the version each reader read differs: link the paper itself
            first_reader = min(ordered, key=lambda r: (r[0], r[1]))[1]
            paper.title = (title_of(first_reader, key) if title_of else None) or paper.title
        chosen.append(paper)
        entries.append(render_entry(paper, digest))
    return WeekDigest(label=last, first=first, last=last, papers=chosen, entries=entries)


def _page(blocks: list[str], front_matter: str | None) -> str:
    parts = []
    if front_matter is not None:
        body = clean_text(front_matter).strip("\n")
        if body.split("\n", 1)[0].strip() in ("---", "+++"):
            parts.append(body)  # the configured text brings its own fences (Hugo's +++ TOML)
        else:
            parts.append("---\n" + body + "\n---" if body else "---\n---")
    parts += blocks
    text = "\n\n".join(parts) + "\n"
    return clean_text(text)


def render_week(
    store: "Store",
    day: date,
    week_start: int = 0,
    include_unsummarized: bool = False,
    front_matter: str | None = None,
    assets: "AssetCopier | None" = None,
    team: bool = False,
) -> tuple[str, WeekDigest]:
    """The digest page of the week that contains `day`; empty when the week has no entries (a
    page of a bare heading is published nowhere). With `team`, the team's digest (collect_team_week)."""
    collect = collect_team_week if team else collect_week
    week = collect(store, day, week_start, include_unsummarized, assets)
    if not week.entries:
        return "", week
    return _page([week_heading(week.label), *week.entries], front_matter), week


def month_weeks(year: int, month: int, week_start: int = 0) -> list[date]:
    """Labels (last days) of the weeks that belong to a month: those that end in it."""
    try:
        day = date(year, month, 1)
    except ValueError as exc:
        raise ReadrError(f"{year}-{month} is not a month: {exc}") from None
    labels = []
    label = week_label(day, week_start)
    while label.month == month:
        labels.append(label)
        label += timedelta(days=7)
    return labels


def render_month(
    store: "Store",
    year: int,
    month: int,
    week_start: int = 0,
    include_unsummarized: bool = False,
    front_matter: str | None = None,
    assets: "AssetCopier | None" = None,
    team: bool = False,
    published: bool = False,
    reader: str | None = None,
    title_of: "Callable[[str, str], str | None] | None" = None,
) -> tuple[str, list[WeekDigest]]:
    """A page titled `# YYYY-M` with every week of the month that has entries, oldest first;
    empty when no week has any. `published` and `reader`: as collect_team_week (with `team`)."""
    blocks = [f"# {year}-{month}"]
    weeks = []
    for label in month_weeks(year, month, week_start):
        if team:
            week = collect_team_week(store, label, week_start, include_unsummarized, assets, published, reader,
                                     title_of)
        else:
            week = collect_week(store, label, week_start, include_unsummarized, assets)
        if week.entries:
            weeks.append(week)
            blocks += [week_heading(week.label), *week.entries]
    if not weeks:
        return "", weeks
    return _page(blocks, front_matter), weeks


def write_atomic(path: Path, text: str) -> Path:
    """Write text to path through a temporary file in the same folder and a rename."""
    path = Path(path)
    if path.is_dir():
        raise ReadrError(f"{path} is a folder; give a file name such as {path / 'digest.md'}")
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, text)
