"""Reading lists in other common Markdown styles, for `readr import`.

Not digest pages (digest-format.md), but the lists people keep elsewhere: bullets such as
`- [Title](https://arxiv.org/abs/...) - summary` or `1. [Title](...) - NLP`, and tables with a
paper column, under headings that carry a date (`## 2024-05-06`, `## May 2024`,
`## Top Papers of the Week (March 31 - April 6) - 2025`, a line in bold such as `**August 2023**`).
Each item with an arXiv link becomes a paper read on its heading's date (a table's date column,
when it has one, wins), with the item's text as its summary. Items without an arXiv link, and
items under no dated heading, are counted, not imported. No network; no third-party imports.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..record import field, record
from ..ids import ArxivId, try_parse_arxiv_id
from ..sanitize import clean_line, clean_text
from . import HEADING, Link, code_fence, parse_link, split_bold, unescape_markdown

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {calendar.month_name[number].lower(), calendar.month_abbr[number].lower()}
}
_MONTHS["sept"] = 9
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

_ISO_DAY = re.compile(r"(?<![0-9])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])")
_ISO_MONTH = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{1,2})(?![0-9-])")
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
# "March 31", "Jan 23-29", "6 April", "4th September"; the last one in a heading is its end.
_MONTH_DAY = re.compile(
    rf"(?:(?<![0-9])([0-9]{{1,2}}){_ORDINAL}\s+)?\b({_MONTH_NAME})\b\.?"
    rf"(?:\s+([0-9]{{1,2}}){_ORDINAL}(?:\s*[-–]\s*([0-9]{{1,2}}){_ORDINAL})?(?![0-9]))?",
    re.IGNORECASE,
)
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*:?\s*$")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[*+-]|[0-9]{1,9}[.)])[ \t]+(?P<rest>.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# What may sit between an item's link and its text: " - ", " – ", ": ", "**.**"
_SEPARATOR = re.compile(r"^[ \t]*(?:[-–—:](?=[ \t]|$)|\*\*[.:;—–-]\*\*)?[ \t]*")
_NUMBERING = re.compile(r"^\s*[0-9]{1,3}[.)]\s+")
_PAPER_COLUMN = re.compile(r"^(paper|papers|title|paper title|name|article|publication)s?$", re.IGNORECASE)
_DATE_COLUMN = re.compile(r"^(date|read|read on|when|week|month|day)$", re.IGNORECASE)
# Link text that names the link, not the paper: [Paper](...), [arXiv](...), [pdf](...)
_GENERIC_LINK_TEXT = re.compile(r"^(paper|arxiv|pdf|abs|abstract|link|preprint|here|\[?pdf\]?)$", re.IGNORECASE)


@record
class ListItem:
    line: int
    target: str
    title_markdown: str
    title: str
    summary: str
    arxiv_id: str
    version: int | None


@record
class ListSection:
    line: int
    day: date
    items: list[ListItem] = field(default_factory=list)


@record
class ReadingList:
    sections: list[ListSection]
    without_arxiv: int = 0  # items with links, none of them to arXiv
    undated: int = 0  # arXiv items under no dated heading
    repeated: int = 0  # arXiv papers listed again (the first listing is kept)

    @property
    def entries(self) -> int:
        return sum(len(section.items) for section in self.sections)


def heading_date(text: str, year: int | None = None) -> date | None:
    """The date a heading names: a day, else the last day of a month or of a range
    ("March 31 - April 6, 2025" is April 6); `year` when the heading has none. None if no date."""
    text = unescape_markdown(text)
    match = _ISO_DAY.search(text)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _ISO_MONTH.search(text)
    if match:
        return _month_end(int(match.group(1)), int(match.group(2)))
    years = _YEAR.findall(text)
    if years:
        year = int(years[-1])
    months = list(_MONTH_DAY.finditer(text))
    if not months or year is None:
        return None
    last = months[-1]
    month = _MONTHS[last.group(2).lower().rstrip(".")]
    day_text = last.group(4) or last.group(3) or last.group(1)
    if day_text is None:
        return _month_end(year, month)
    return _valid(year, month, int(day_text))


def year_of_heading(text: str) -> int | None:
    """A heading that is only a year (`## 2023`) sets the year of the headings under it."""
    match = re.fullmatch(r"\s*((?:19|20)[0-9]{2})\s*:?\s*", unescape_markdown(text))
    return int(match.group(1)) if match else None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _links(text: str) -> list[tuple[int, Link]]:
    """Every inline link in the text: (index of its '[', Link)."""
    found: list[tuple[int, Link]] = []
    i = text.find("[")
    while i != -1:
        link = parse_link(text, i)
        if link is not None:
            found.append((i, link))
            i = text.find("[", link.end)
        else:
            i = text.find("[", i + 1)
    return found


def _arxiv_link(text: str) -> tuple[int, Link, ArxivId] | None:
    """The first link in the text whose target is an arXiv paper: (start, Link, ArxivId) or None."""
    for start, link in _links(text):
        target = link.target.strip()
        if "://" not in target and not target.lower().startswith("arxiv:"):
            continue
        parsed = try_parse_arxiv_id(target)
        if parsed is not None:
            return start, link, parsed
    return None


def _plain(markdown: str) -> str:
    text, _ = split_bold(markdown.strip())
    return clean_line(unescape_markdown(text))


def _item_from_list(line_no: int, rest: str, continuation: list[str]) -> ListItem | None:
    found = _arxiv_link(rest)
    if found is None:
        return None
    start, link, parsed = found
    before = rest[:start].strip()
    after = rest[link.end:]
    if before.endswith("**") and after.startswith("**"):  # **[Title](url)**
        before, after = before[:-2].strip(), after[2:]
    text_markdown = link.text
    if not before and not _GENERIC_LINK_TEXT.match(_plain(text_markdown)):
        # [Title](url) - summary
        separator = _SEPARATOR.match(after)
        summary = after[separator.end() if separator else 0 :]
        title_markdown = split_bold(text_markdown.strip())[0]
    else:
        # **Title** [paper](url) ... : the text is the summary, its bold start (or the text) the title
        summary = rest
        title_markdown = _title_and_rest(before or rest)[0]
    lines = [summary.strip()] + [line for line in continuation]
    summary_text = clean_text("\n".join(lines)).strip()
    return ListItem(
        line=line_no, target=link.target.strip(), title_markdown=title_markdown,
        title=_plain(title_markdown) or str(parsed), summary=summary_text, arxiv_id=parsed.base,
        version=parsed.version,
    )


def _title_and_rest(text: str) -> tuple[str, str]:
    """A title from free text (its leading bold span, else what comes before a separator such as
    two spaces or " - "), and the text after it: "8) Z1  Z1 is a method..." -> ("Z1", "Z1 is...")."""
    text = _NUMBERING.sub("", text.strip())
    bold = re.match(r"^(\*\*|__)(.+?)\1[ \t]*(?:[-–—:.][ \t]+)?", text)
    if bold:
        return bold.group(2).strip(), text[bold.end():] or text
    parts = re.split(r"\s{2,}| [-–—:] |(?<=[a-z0-9)])\. ", text, maxsplit=1)
    first = parts[0]
    link = parse_link(first, 0) if first.startswith("[") else None
    if link is not None:
        return link.text, text
    rest = parts[1] if len(parts) > 1 and parts[1].strip() else text
    return first.strip()[:200], rest


def _cells(row: str) -> list[str]:
    """The cells of a table row (a `|` inside a code span or escaped stays in its cell)."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells, current, i, code = [], [], 0, False
    while i < len(row):
        ch = row[i]
        if ch == "\\" and i + 1 < len(row):
            current.append(row[i : i + 2])
            i += 2
            continue
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current).strip())
    return cells


def _only_links(cell: str) -> bool:
    """A cell of links and separators only ("[Paper](...), [Tweet](...)")."""
    rest, end = [], 0
    for start, link in _links(cell):
        rest.append(cell[end:start])
        end = link.end
    rest.append(cell[end:])
    return bool(_links(cell)) and not re.sub(r"[\s,;|/·•-]+", "", "".join(rest))


def _item_from_row(
    line_no: int, cells: list[str], paper_col: int | None, date_col: int | None = None
) -> ListItem | None:
    paper_cell = cells[paper_col] if paper_col is not None and paper_col < len(cells) else ""
    found = _arxiv_link(paper_cell)
    if found is None:
        for cell in cells:
            found = _arxiv_link(cell)
            if found is not None:
                break
    if found is None:
        return None
    _, link, parsed = found
    text = paper_cell or " ".join(cells)
    link_text = link.text
    if link_text and not _GENERIC_LINK_TEXT.match(_plain(link_text)) and link_text in paper_cell:
        # | [Title](url) | notes |: the other cells (not the date, not bare links) are the summary
        title_markdown = split_bold(link_text.strip())[0]
        without_link = (paper_cell[: found[0]] + paper_cell[link.end :]).strip(" *_-–—:,")
        others = [
            cell for i, cell in enumerate(cells)
            if i not in (paper_col, date_col) and cell.strip() and not _only_links(cell)
        ]
        summary = "; ".join(part for part in [without_link, *others] if part)
    else:
        title_markdown, summary = _title_and_rest(text)
    return ListItem(
        line=line_no, target=link.target.strip(), title_markdown=title_markdown,
        title=_plain(title_markdown) or str(parsed), summary=clean_text(summary).strip(), arxiv_id=parsed.base,
        version=parsed.version,
    )


def parse_reading_list(text: str) -> ReadingList:
    """Read the arXiv items of a Markdown reading list, by their headings' dates."""
    lines = clean_text(text.lstrip("\ufeff")).split("\n")
    result = ReadingList(sections=[])
    seen: set[str] = set()
    section: ListSection | None = None
    year: int | None = None
    fence: str | None = None
    header: list[str] | None = None  # the column names of the table being read
    index = 0

    def add(item: ListItem | None, day_override: date | None = None) -> None:
        if item is None:
            return
        if item.arxiv_id in seen:
            result.repeated += 1
            return
        if day_override is not None and (section is None or section.day != day_override):
            target = next((s for s in result.sections if s.day == day_override), None)
            if target is None:
                target = ListSection(item.line, day_override)
                result.sections.append(target)
            seen.add(item.arxiv_id)
            target.items.append(item)
            return
        if section is None:
            result.undated += 1
            return
        seen.add(item.arxiv_id)
        section.items.append(item)

    while index < len(lines):
        line = lines[index]
        line_no = index + 1
        index += 1
        in_code, fence = code_fence(line, fence)
        if in_code:
            continue
        heading = HEADING.match(line)
        bold_line = None if heading or _LIST_ITEM.match(line) else _BOLD_LINE.match(line)
        if heading or bold_line:
            title = line[heading.end():] if heading else bold_line.group("text") if bold_line else ""
            title = title.strip().strip("#").strip()
            header = None
            only_year = year_of_heading(title)
            if only_year is not None:
                year = only_year
                section = None
                continue
            day = heading_date(title, year)
            if day is not None:
                section = ListSection(line_no, day)
                result.sections.append(section)
            elif heading:
                section = None
            continue
        if _TABLE_ROW.match(line):
            cells = _cells(line)
            if header is None:
                if index < len(lines) and _TABLE_RULE.match(lines[index]):
                    header = [_plain(cell).strip().lower() for cell in cells]
                    index += 1
                continue
            paper_col = next((i for i, name in enumerate(header) if _PAPER_COLUMN.match(name)), None)
            date_col = next((i for i, name in enumerate(header) if _DATE_COLUMN.match(name)), None)
            row_day = heading_date(cells[date_col], year) if date_col is not None and date_col < len(cells) else None
            item = _item_from_row(line_no, cells, paper_col, date_col)
            if item is None:
                result.without_arxiv += bool(_links(line))
                continue
            add(item, row_day)
            continue
        header = None
        match = _LIST_ITEM.match(line)
        if not match:
            continue
        width = len(line) - len(match.group("rest"))  # indent, marker and the spaces after it
        continuation: list[str] = []
        # The item's own lines: more indented than its marker, or lazily continued text.
        while index < len(lines):
            nxt = lines[index]
            if not nxt.strip():
                break
            if _LIST_ITEM.match(nxt) and len(nxt) - len(nxt.lstrip()) < width:
                break
            if HEADING.match(nxt) or _TABLE_ROW.match(nxt):
                break
            if _LIST_ITEM.match(nxt) and _arxiv_link(nxt) is not None:
                break
            continuation.append(nxt[width:] if nxt.startswith(" " * width) else nxt.strip())
            index += 1
        item = _item_from_list(line_no, match.group("rest"), continuation)
        if item is None:
            result.without_arxiv += bool(_links(match.group("rest")))
            continue
        add(item)
    result.sections = [s for s in result.sections if s.items]
    return result


__all__ = ["ListItem", "ListSection", "ReadingList", "heading_date", "parse_reading_list"]
