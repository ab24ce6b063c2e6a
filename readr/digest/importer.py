"""`readr import PAGE.md`: read digest pages (digest-format.md) into the library.

Every entry becomes a paper marked read in its week, in page order, with its summary. No
network: an arXiv entry gets its id from the link and its title from the link text, and
`readr refresh` fills in the metadata later. All pages of one command are parsed first and
stored in one transaction, so a malformed page (reported with its line number) leaves the
library as it was. Importing the same page again changes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..record import field, record
from ..errors import ReadrError
from ..ids import try_parse_arxiv_id
from ..sanitize import clean_line, clean_text
from ..wording import plural
from . import HEADING, MONTH_HEADING, SEPARATOR, WEEK_HEADING, code_fence, entry_start, split_bold, unescape_markdown
from .reading_list import ReadingList, parse_reading_list

if TYPE_CHECKING:
    from ..store import Store
    from ..store.digest import DigestItem


class DigestFormatError(ReadrError):
    """A page that does not follow the digest format; the message names the file and line."""


@record
class PageEntry:
    line: int
    target: str
    title_markdown: str  # link text as written, without the bold markers
    title: str  # plain text
    bold: bool | str  # True: [**Title**](url); "outer": **[Title](url)**
    marker: str  # list marker ("* ") or ""
    after: str  # what sat between the link and the summary ("**.** ", " ")
    link_title: str | None
    summary: str
    arxiv_id: str | None = None
    version: int | None = None
    brk: int = 0  # line breaks between the link and the summary (0: on the link's line)
    flush: list[int] = field(default_factory=list)  # summary lines a list item's entry has at column 0

    @property
    def key(self) -> str:
        from ..store.papers import web_key

        return self.arxiv_id or web_key(clean_line(self.target))

    def style(self) -> dict[str, Any]:
        style: dict[str, Any] = {"bold": self.bold}
        if self.marker:
            style["marker"] = self.marker
        if self.after != " ":
            # Exactly what sat between the link and the summary: "" when punctuation follows the link.
            style["after"] = self.after
        if self.link_title is not None:
            style["link_title"] = self.link_title
        if self.brk:
            style["break"] = min(self.brk, 2)
        if self.flush:
            style["flush"] = self.flush
        return style


@record
class PageWeek:
    line: int
    day: date
    entries: list[PageEntry] = field(default_factory=list)


@record
class Page:
    name: str
    front_matter: str | None
    weeks: list[PageWeek]


def _fail(name: str, line: int, message: str) -> DigestFormatError:
    return DigestFormatError(f"{name}:{line}: {message}")


def parse_page(text: str, name: str = "<page>") -> Page:
    """Parse a digest page. Raises DigestFormatError naming the line of the first problem."""
    text = clean_text(text.lstrip("\ufeff"))
    lines = text.split("\n")
    start = 0
    front_matter = None
    if lines and lines[0].strip() in ("---", "+++"):
        closing = ("---", "...") if lines[0].strip() == "---" else ("+++",)
        for n in range(1, len(lines)):
            if lines[n].strip() in closing:
                front_matter = "\n".join(lines[1:n])
                start = n + 1
                break
        else:
            raise _fail(name, 1, f"the front matter that starts here is never closed with {closing[0]}")

    weeks: list[PageWeek] = []
    week: PageWeek | None = None
    entry_lines: list[str] = []
    entry: dict[str, Any] | None = None
    fence: str | None = None
    paragraph_start = True

    def close_entry() -> None:
        nonlocal entry, entry_lines
        if entry is not None and week is not None:
            week.entries.append(_finish_entry(name, entry, entry_lines))
        entry, entry_lines = None, []

    for index in range(start, len(lines)):
        line = lines[index]
        lineno = index + 1
        in_code, fence = code_fence(line, fence)
        if in_code:
            _content(name, lineno, line, week, entry, entry_lines)
            paragraph_start = False
            continue
        heading = HEADING.match(line)
        if heading:
            week_match = WEEK_HEADING.match(line)
            if week_match:
                close_entry()
                year, month, day = (int(week_match.group(i)) for i in (2, 3, 4))
                try:
                    when = date(year, month, day)
                except ValueError as exc:
                    raise _fail(name, lineno, f"{line.strip()!r} is not a valid date ({exc})") from None
                week = PageWeek(lineno, when)
                weeks.append(week)
                paragraph_start = True
                continue
            if MONTH_HEADING.match(line) or len(heading.group(1)) == 1:
                close_entry()
                week = None
                paragraph_start = True
                continue
            if len(heading.group(1)) <= 3:
                raise _fail(
                    name, lineno,
                    f"{clean_line(line)[:60]!r} is not a week heading (### YYYY-M-D:); "
                    "only a page title (# ...) may sit between weeks",
                )
        started = entry_start(line)
        if started is not None and (paragraph_start or started[0]):
            marker, link, outer_bold, end = started
            if week is None:
                raise _fail(name, lineno, "an entry before the first week heading (### YYYY-M-D:)")
            close_entry()
            rest = line[end:]
            after = SEPARATOR.match(rest).group(0)  # type: ignore[union-attr]
            entry = {"line": lineno, "marker": marker, "link": link, "after": after, "outer_bold": outer_bold}
            entry_lines = [rest[len(after) :]]
            paragraph_start = False
            continue
        _content(name, lineno, line, week, entry, entry_lines)
        paragraph_start = not line.strip()
    close_entry()
    if not weeks:
        raise _fail(name, 1, "no week heading (### YYYY-M-D:) found; is this a digest page?")
    _check_duplicates([(name, w) for w in weeks])
    return Page(name, front_matter, weeks)


# Between a week heading and its first entry: rules and one-line HTML comments carry no entry text.
_IGNORABLE = re.compile(r"^ {0,3}((?:[-*_][ \t]*){3,}|<!--.*-->|<br\s*/?>)[ \t]*$")


def _content(
    name: str, lineno: int, line: str, week: PageWeek | None, entry: dict[str, Any] | None, entry_lines: list[str]
) -> None:
    if entry is not None:
        entry_lines.append(line)
    elif week is not None and line.strip() and not _IGNORABLE.match(line):
        raise _fail(
            name, lineno,
            f"text in the week of {_label(week.day)} before its first entry; an entry starts with [Title](link)",
        )
    # Text before the first week heading (a page intro) is not part of any entry.


def _finish_entry(name: str, entry: dict[str, Any], lines: list[str]) -> PageEntry:
    link = entry["link"]
    marker: str = entry["marker"]
    while lines and not lines[-1].strip():
        lines.pop()
    flush_lines: set[int] = set()  # lines of a list item's entry written at column 0
    if marker and lines:
        width = len(marker)
        flush_lines = {i for i, line in enumerate(lines) if i and line.strip() and not line.startswith(" " * width)}
        lines = [lines[0]] + [line[width:] if line.startswith(" " * width) else line for line in lines[1:]]
    summary = "\n".join(lines).strip()
    brk = 0
    if summary and not lines[0].strip():
        # The summary starts on a later line: keep that layout on export.
        brk = next(i for i, line in enumerate(lines) if line.strip())
    flush = sorted(i - brk for i in flush_lines)
    bold: bool | str
    title_markdown, bold = split_bold(link.text)
    if entry["outer_bold"]:
        title_markdown, bold = link.text, "outer"
    title = clean_line(unescape_markdown(title_markdown))
    target = link.target.strip()
    if not target:
        raise _fail(name, entry["line"], "an entry link without a target")
    parsed = try_parse_arxiv_id(target) if "://" in target or target.lower().startswith(("arxiv", "oai:")) else None
    return PageEntry(
        line=entry["line"], target=target, title_markdown=title_markdown.strip(), title=title or target,
        bold=bold, marker=marker, after=entry["after"], link_title=link.title, summary=summary, brk=brk,
        arxiv_id=parsed.base if parsed else None, version=parsed.version if parsed else None, flush=flush,
    )


def _check_duplicates(pages: Sequence[tuple[str, PageWeek]]) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for name, week in pages:
        for entry in week.entries:
            if entry.key in seen:
                first_name, first_line = seen[entry.key]
                where = f"line {first_line}" if first_name == name else f"{first_name}:{first_line}"
                raise _fail(
                    name, entry.line,
                    f"{entry.arxiv_id or entry.target} is already an entry at {where}; a paper is read in one week",
                )
            seen[entry.key] = (name, entry.line)


def _label(day: date) -> str:
    return f"{day.year}-{day.month}-{day.day}"


def items_for(page: Page, base_dir: str | None) -> list[tuple[date, list[DigestItem]]]:
    from ..store.digest import DigestItem

    return [
        (
            week.day,
            [
                DigestItem(
                    link=e.target, title=e.title, title_markdown=e.title_markdown, summary=e.summary,
                    style=e.style(), arxiv_id=e.arxiv_id, version=e.version, base_dir=base_dir,
                )
                for e in week.entries
            ],
        )
        for week in page.weeks
    ]


def _is_arxiv_link(target: str) -> bool:
    target = target.strip()
    return ("://" in target or target.lower().startswith(("arxiv", "oai:"))) and try_parse_arxiv_id(target) is not None


def _scan(text: str) -> tuple[bool, bool, bool]:
    """(has a week heading, has a paragraph that starts with a link, has an entry: a line that starts
    with a link under a week heading, or with an arXiv link anywhere), code blocks aside."""
    week_heading = paragraph_link = entry = False
    fence: str | None = None
    for line in text.split("\n"):
        in_code, fence = code_fence(line, fence)
        if in_code:
            continue
        if WEEK_HEADING.match(line):
            week_heading = True
            continue
        started = entry_start(line)
        if started is not None:
            paragraph_link = paragraph_link or not started[0]
            entry = entry or week_heading or _is_arxiv_link(started[1].target)
    return week_heading, paragraph_link, entry


def _reading_list_page(name: str, text: str) -> tuple[Page, ReadingList]:
    listed = parse_reading_list(text)
    weeks = []
    for section in listed.sections:
        week = PageWeek(section.line, section.day)
        for item in section.items:
            week.entries.append(
                PageEntry(
                    line=item.line, target=item.target, title_markdown=item.title_markdown, title=item.title,
                    bold=False, marker="", after=" ", link_title=None, summary=item.summary,
                    arxiv_id=item.arxiv_id, version=item.version,
                )
            )
        weeks.append(week)
    return Page(name, None, weeks), listed


@record
class PageRead:
    """What `read_page` made of a file: a page (read as a reading list when `reading_list` is
    set), or why it was skipped."""

    page: Page | None
    reading_list: ReadingList | None = None
    skipped: str | None = None


def read_page(text: str, name: str) -> PageRead:
    """A digest page, or a reading list in another Markdown style, as a Page; or, for a page that
    holds no entries (a GitBook SUMMARY.md, an intro, a draft), why it has none. A digest page
    with entries and a mistake raises DigestFormatError naming the line."""
    text = clean_text(text.lstrip("\ufeff"))
    week_heading, paragraph_link, has_entry = _scan(text)
    why = None
    if week_heading or paragraph_link:
        try:
            page = parse_page(text, name)
        except DigestFormatError as exc:
            if has_entry:
                raise
            if week_heading:  # a page without one is not a digest page: say only that
                why = str(exc).split(": ", 1)[-1]
        else:
            if any(week.entries for week in page.weeks):
                return PageRead(page)
            why = "no entries under its week headings"
    # Not a digest page: a reading list in another style (bullets or a table under dated headings)?
    listed_page, listed = _reading_list_page(name, text)
    if listed_page.weeks:
        return PageRead(listed_page, reading_list=listed)
    if why is None:
        why = "no week heading (### YYYY-M-D:) and no arXiv link under a dated heading"
        if listed.undated:
            why = f"{plural(listed.undated, 'arXiv link')} under no dated heading"
    return PageRead(None, skipped=why if why.startswith("no entries") else f"no entries ({why})")


def _reading_list_notes(name: str, listed: ReadingList) -> list[str]:
    notes = []
    if listed.without_arxiv:
        notes.append(f"{plural(listed.without_arxiv, 'item')} without an arXiv link")
    if listed.undated:
        notes.append(f"{plural(listed.undated, 'arXiv item')} under no dated heading")
    if listed.repeated:
        notes.append(f"{plural(listed.repeated, 'paper')} listed again (kept where first listed)")
    return [f"{name}: read as a reading list; left out: {', '.join(notes)}"] if notes else []


def markdown_files(folder: Path) -> list[Path]:
    """The Markdown pages of a folder and its subfolders (a GitBook or Jekyll site), in name order;
    hidden folders (.git, .gitbook) and node_modules are not pages."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") or part in ("node_modules", "_book", "_site") for part in parts):
            continue
        if path.is_file() and path.suffix.lower() in (".md", ".markdown"):
            found.append(path)
    return found


def import_files(store: Store, paths: Sequence[Path]) -> list[str]:
    """Import digest pages (and reading lists in other Markdown styles) into `store`: all of them
    or, on any error, none. A page that holds no entries is skipped with a line saying so."""
    from ..config import load_config
    from ..weeks import week_label

    week_start = load_config().week_start
    pages: list[tuple[Path, Page]] = []
    report: list[str] = []
    lists: dict[Path, ReadingList] = {}
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DigestFormatError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise ReadrError(f"cannot read {path}: {exc.strerror}") from None
        read = read_page(text, path.name)
        if read.page is None:
            report.append(f"{path.name}: skipped, {read.skipped}")
            continue
        if read.reading_list is not None:
            lists[path] = read.reading_list
        pages.append((path, read.page))
    _check_duplicates([(path.name, week) for path, page in pages if path not in lists for week in page.weeks])
    seen = {e.key for path, page in pages if path not in lists for w in page.weeks for e in w.entries}
    for path, page in pages:
        if path not in lists:
            continue
        # A reading list may name a paper a digest page (or an earlier list) already has: keep the first.
        for week in page.weeks:
            kept = [e for e in week.entries if e.key not in seen]
            lists[path].repeated += len(week.entries) - len(kept)
            seen.update(e.key for e in kept)
            week.entries = kept
        page.weeks = [w for w in page.weeks if w.entries]
        report += _reading_list_notes(path.name, lists[path])
    pages = [(path, page) for path, page in pages if page.weeks]
    if not pages:
        return report

    weeks = []
    for path, page in pages:
        base_dir = str(path.resolve().parent)
        weeks += items_for(page, base_dir)
        for week in page.weeks:
            if path not in lists and week_label(week.day, week_start) != week.day:
                report.append(
                    f"{path.name}:{week.line}: {_label(week.day)} does not end a reading week; "
                    f"its entries are read on that day, in the week of {_label(week_label(week.day, week_start))}"
                )
    stats = store.import_digest(weeks)
    names = ", ".join(path.name for path, _ in pages)
    if stats.changed:
        report.append(
            f"imported {names}: {plural(stats.entries, 'entry', 'entries')} in {plural(stats.weeks, 'week')} "
            f"({stats.created} new, {plural(stats.summaries_updated, 'summary', 'summaries')} updated, "
            f"{stats.moved} moved, {plural(stats.links_updated, 'link')} updated)"
        )
    else:
        report.append(
            f"{names}: {plural(stats.entries, 'entry', 'entries')} in {plural(stats.weeks, 'week')}, already up to date"
        )
    return report


__all__ = [
    "DigestFormatError", "Page", "PageEntry", "PageWeek", "import_files", "items_for", "markdown_files", "parse_page",
    "PageRead", "read_page",
]
