"""What the CLI prints: JSON, paper tables, status lines and one-line errors.

Typer-free: the Typer commands and the fast dispatcher (readr.cli.fast) both print through
these functions, so `readr search` writes the same bytes whichever path ran it. Rich is
imported only inside the functions that draw with it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from pathlib import Path
from collections.abc import Iterable, Iterator

from ..errors import ReadrError
from ..sanitize import clean_line, clean_text

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any


def echo_json(data: Any) -> None:
    """JSON on stdout; strings are cleaned of control characters on the way out."""
    sys.stdout.write(json.dumps(_clean_json(data), ensure_ascii=False, indent=2) + "\n")


def stream_json(objects: Iterable[dict]) -> None:
    """A JSON array on stdout written as the objects come, one object a line (so memory holds
    one object, and `grep` or a JSON parser both read it); strings cleaned as in echo_json.
    Each object is written as it is dumped (joining a batch would copy it, and one wide character
    makes the whole batch wide text to encode), and stdout is flushed every 100 objects."""
    write = sys.stdout.write
    encode = _JSON_LINE.encode
    separator = "[\n"
    written = 0
    for obj in objects:
        text = encode(obj)
        if _may_need_cleaning(text):  # else cleaning would change nothing: skip its walk
            text = encode(_clean_json(obj))
        write(separator + text)
        separator = ",\n"
        written += 1
        if written % 100 == 0:
            sys.stdout.flush()
    write("[]\n" if separator == "[\n" else "\n]\n")
    sys.stdout.flush()


# json.dumps(obj, ensure_ascii=False), without making an encoder for every object.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False)
_DEL_OR_C1 = re.compile("[\x7f-\x9f]")
_CONTROL_ESCAPE = re.compile(r"\\(?:u00|[bfr])")  # how json.dumps writes C0 controls but tab and newline


def _may_need_cleaning(dump: str) -> bool:
    """Whether a JSON dump may hold a character clean_text removes or changes: C0 controls are
    dumped as \\u00XX, \\b, \\f or \\r, DEL and C1 as they are (each check runs in C; DEL and
    C1 are not printable). An escape found is looked for again once escaped backslashes are taken
    out, so that LaTeX such as \\frac, \\beta or \\rho (dumped \\\\frac) is not mistaken for one
    (JSON escapes read left to right: "\\\\" is one)."""
    if ("\\" in dump and _CONTROL_ESCAPE.search(dump) is not None
            and _CONTROL_ESCAPE.search(dump.replace("\\\\", "")) is not None):
        return True
    if dump.isascii():
        return "\x7f" in dump
    return not dump.isprintable() and _DEL_OR_C1.search(dump) is not None


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    return value


def console(stderr: bool = False):
    from rich.console import Console

    # markup/emoji/highlight off: untrusted text is printed literally.
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False)


def say(message: str) -> None:
    """A short status line on stderr (keeps stdout clean for pipes)."""
    sys.stderr.write(clean_text(message) + "\n")
    sys.stderr.flush()


def say_interrupted(done: int, total: int, noun: str, participle: str) -> None:
    """Ctrl-C in a command that writes item by item, each whole or not at all: say what was
    written ("interrupted after adding 3 of 10 papers; the others were not added")."""
    if not done:
        say("interrupted; nothing was changed")
    else:
        say(f"interrupted after {done} of {total} {noun} were {participle}; the others were not")


# --- one-line errors -----------------------------------------------------------------------------


def user_error(exc: BaseException, db_path: Path | None) -> str | None:
    """The message for an error a user can meet -- readr's own errors, and a damaged or foreign
    library file or a full disk -- or None for anything else (a bug: let it raise)."""
    if isinstance(exc, ReadrError):  # arxiv_api.ArxivError is one too
        return str(exc) or exc.__class__.__name__
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError):
        from ..store.connection import describe_database_error

        return describe_database_error(exc, db_path)
    return None


def print_error(message: str, hint: str = "") -> None:
    """`readr: error: ...` as one line on stderr."""
    sys.stderr.write(f"readr: error: {' '.join(clean_text(message).split())}{hint}\n")
    sys.stderr.flush()


def say_how_many_more(shown: int, total: int, capped: bool = False) -> None:
    """On stderr, when a list was cut at its limit: how many there are and how to see them.
    `capped`: `total` is the most a search ranks (its newest matches), there may be more."""
    if capped:
        say(f"showing {shown} of the {total} newest matches (there are more); use -n {total} to see "
            f"them, or add words or filters")
    elif total > shown:
        say(f"showing {shown} of {total}; use -n {total} to see them all")


# --- papers ----------------------------------------------------------------------------------------


def short_authors(authors: list[str]) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        return authors[0]
    if len(authors) == 2:
        return f"{authors[0]}, {authors[1]}"
    return f"{authors[0]} et al."


# Plain lines (stdout not a terminal): one paper a line, these columns separated by tabs.
LINE_COLUMNS = ("id", "status", "date", "title", "authors", "tags")
# The terminal table's columns: (header, widest, the most a column takes); the title takes the rest.
_TABLE_COLUMNS = (("id", 16), ("status", 9), ("authors", 28), ("tags", 24), ("date", 10))
_TABLE_SAMPLE = 200  # papers read ahead to size the table's columns (the rest are cut to fit)
_TITLE_MIN = 20


def paper_date(paper) -> str:
    """The date a list shows: read, else added, else published."""
    return (paper.read_at or paper.added_at or paper.published or "")[:10]


def paper_line(paper) -> str:
    """A paper as one tab-separated line of LINE_COLUMNS (authors and tags joined by ", ")."""
    return "\t".join(clean_line(cell) for cell in _line_cells([paper])[0])


def _line_cells(papers: list) -> list[tuple[str, ...]]:
    """The LINE_COLUMNS of each paper as stored, before clean_line."""
    return [(paper.key, paper.status or "catalogue", paper_date(paper), paper.title, ", ".join(paper.authors),
             ", ".join(paper.tags)) for paper in papers]


def _cleaned_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Rows of cells with every cell through clean_line. Text is cleaned on its way into the
    library, so a list's cells mostly come back clean: one check over all the cells of the rows
    at once (in C) shows that, and only rows that fail it are cleaned cell by cell."""
    if _unchanged_by_clean_line("|".join(itertools.chain.from_iterable(rows))):
        return rows
    return [row if _unchanged_by_clean_line("|".join(row)) else tuple(clean_line(cell) for cell in row)
            for row in rows]


def _unchanged_by_clean_line(probe: str) -> bool:
    """Whether clean_line leaves every cell of `probe` (cells joined by "|") as it is: each is
    printable (no control character, tab or line break) with no run of spaces and no space at
    either end (a cell's end meets a "|" or an end of the probe). May say False of clean cells
    (a cell holding " |"): they are then cleaned one by one, which leaves them as they are."""
    return (probe.isprintable() and "  " not in probe and " |" not in probe and "| " not in probe
            and probe[:1] != " " and probe[-1:] != " ")


def print_papers(
    papers: Iterable, title: str | None = None,
    scores: list[tuple[float | None, list[str]]] | None = None,
) -> int:
    """Papers as they come: a table on a terminal, else plain lines (LINE_COLUMNS); with
    `scores` (relevance and its reasons, per paper) a table with two more columns. The count."""
    if scores is not None:
        papers = list(papers)
        if sys.stdout.isatty():
            _print_scored(papers, title, scores)
        else:
            _print_scored_lines(papers, scores)
        return len(papers)
    if sys.stdout.isatty():
        shown = _print_table(iter(papers), title)
    else:
        if title:
            sys.stdout.write(clean_line(title) + "\n")
        shown = _print_lines(papers)
    sys.stdout.flush()  # a closed pipe fails here, where the caller handles it, not at exit
    if not shown:
        say("no papers")
    return shown


def _print_lines(papers: Iterable) -> int:
    shown = 0
    for chunk in _chunks(papers, 256):
        rows = _cleaned_rows(_line_cells(chunk))
        sys.stdout.write("\n".join(map("\t".join, rows)) + "\n")
        shown += len(rows)
    return shown


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """items in lists of `size` (the last one shorter), as they come."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _print_table(papers: Iterator, title: str | None) -> int:
    """The terminal table, laid out once from the first papers and then written a chunk of rows
    at a time: one line a paper, cells cut to their column with an ellipsis (Rich would lay out
    and wrap every row of the whole list before printing the first)."""
    import shutil

    ahead = list(itertools.islice(papers, _TABLE_SAMPLE))
    if not ahead:
        return 0
    cells = _table_rows(ahead)
    names = ("id", "status", "title", "authors", "tags", "date")
    widths = {name: len(name) for name in names}
    for row in cells:
        for name, cell in zip(names, row):
            widths[name] = max(widths[name], cell_width(cell))
    for name, widest in _TABLE_COLUMNS:
        widths[name] = min(widths[name], widest)
    total = shutil.get_terminal_size().columns
    _share_width(widths, total - 2 * len(names))
    bold = os.environ.get("TERM") != "dumb"
    write = sys.stdout.write
    if title:
        write(fit(clean_line(title), total).center(total).rstrip() + "\n")
    columns = [widths[name] for name in names]
    header = _table_line(names, columns)
    write(f"\x1b[1m{header}\x1b[0m\n" if bold else header + "\n")
    shown = 0
    for rows in itertools.chain((cells,), (_table_rows(chunk) for chunk in _chunks(papers, 256))):
        write("".join([_table_line(row, columns) + "\n" for row in rows]))
        shown += len(rows)
    return shown


def _share_width(widths: dict[str, int], room: int) -> None:
    """Column widths that fill `room` cells: the title takes what the others leave; on a narrow
    terminal the title, authors and tags share what id, status and date leave, 5:2:1 (as the
    ratios of the scored table), none wider than its widest cell nor narrower than 1."""
    fixed = widths["id"] + widths["status"] + widths["date"]
    wanted = {"authors": widths["authors"], "tags": widths["tags"], "title": max(widths["title"], _TITLE_MIN)}
    free = room - fixed
    if free >= wanted["title"] + wanted["authors"] + wanted["tags"]:
        widths["title"] = free - wanted["authors"] - wanted["tags"]
        return
    left = dict.fromkeys(wanted, 0)
    shares = {"title": 5, "authors": 2, "tags": 1}
    while free > 0 and any(left[name] < wanted[name] for name in wanted):
        growing = [name for name in wanted if left[name] < wanted[name]]
        weight = sum(shares[name] for name in growing)
        spent = 0
        for name in growing:
            give = min(wanted[name] - left[name], max(1, free * shares[name] // weight))
            give = min(give, free - spent)
            left[name] += give
            spent += give
        free -= spent
        if not spent:
            break
    for name, width in left.items():
        widths[name] = max(1, width)


def _table_rows(papers: list) -> list[tuple[str, ...]]:
    """The table's cells of each paper, in the order of its columns (the date as stored)."""
    cleaned = _cleaned_rows([(paper.key, paper.status or "catalogue", paper.title, short_authors(paper.authors),
                              ", ".join(paper.tags)) for paper in papers])
    return [(key, status, title + " ↑" if paper.newer_version_available else title, authors, tags, paper_date(paper))
            for (key, status, title, authors, tags), paper in zip(cleaned, papers)]


def _table_line(row: Iterable[str], widths: list[int]) -> str:
    """One line of the table: each cell fitted to its column's width, one space either side. A
    cell of one-cell characters (the most) is padded or cut by its length, without _fitted."""
    return (" " + "  ".join([
        (cell.ljust(width) if len(cell) <= width else cell[:width - 1] + "…")
        if (cell.isascii() or max(cell) < _WIDE_OR_COMBINING) and width > 0 else _padded(cell, width)
        for cell, width in zip(row, widths)
    ])).rstrip()


def _padded(cell: str, width: int) -> str:
    text, used = _fitted(cell, width)
    return text + " " * (width - used)


# Every character below U+0300 (the first combining mark; East Asian wide and fullwidth ones come
# later still) takes one terminal cell: text made of them takes as many cells as it has characters.
_WIDE_OR_COMBINING = "\u0300"


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: wide (East Asian) characters two, combining marks none."""
    if text.isascii() or max(text) < _WIDE_OR_COMBINING:
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending in an ellipsis when cut."""
    return _fitted(text, width)[0]


def _fitted(text: str, width: int) -> tuple[str, int]:
    """fit(text, width) and the cells it takes."""
    if text.isascii() or max(text) < _WIDE_OR_COMBINING:
        if len(text) <= width:
            return text, len(text)
        cut = max(width - 1, 0)
        return text[:cut] + "…", cut + 1
    cells = cell_width(text)
    if cells <= width:
        return text, cells
    out, used = [], 0
    for char in text:
        step = cell_width(char)
        if used + step > width - 1:
            break
        out.append(char)
        used += step
    return "".join(out) + "…", used + 1


def _print_scored_lines(papers: list, scores: list[tuple[float | None, list[str]]]) -> None:
    """Ranked papers for scripts: the score, the LINE_COLUMNS, then the reasons joined by "; "."""
    if not papers:
        say("no papers")
        return
    lines = [
        "\t".join((f"{score:+.3f}" if score is not None else "", paper_line(paper), clean_line("; ".join(why))))
        for paper, (score, why) in zip(papers, scores)
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _print_scored(papers: list, title: str | None, scores: list[tuple[float | None, list[str]]]) -> None:
    if not papers:
        say("no papers")
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    table = Table(title=Text(clean_text(title)) if title else None, expand=True, box=None, header_style="bold")
    ranked = any(score is not None for score, _ in scores)
    if ranked:
        table.add_column("score", no_wrap=True, justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("title", ratio=5, min_width=20)
    table.add_column("authors", ratio=2, no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("tags", ratio=1, no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("date", no_wrap=True)
    explained = any(why for _, why in scores)
    if explained:
        table.add_column("why", ratio=2, overflow="fold")
    for number, paper in enumerate(papers):
        marker = " ↑" if paper.newer_version_available else ""
        score, why = scores[number]
        cells = [Text(f"{score:+.2f}" if score is not None else "")] if ranked else []
        table.add_row(
            *cells,
            Text(clean_text(paper.key)),
            Text(clean_text(paper.status or "catalogue")),
            Text(clean_text(paper.title) + marker),
            Text(clean_text(short_authors(paper.authors))),
            Text(clean_text(", ".join(paper.tags))),
            Text(paper_date(paper)),
            *([Text(clean_text("; ".join(why)))] if explained else []),
        )
    out.print(table)


def print_paper(paper) -> None:
    from rich.text import Text

    out = console()
    version = f"v{paper.version}" if paper.version else ""
    lines = [
        ("", clean_text(paper.title), "bold"),
        ("id", f"{paper.key} {version}".strip(), None),
    ]
    if paper.newer_version_available:
        lines.append(("update", f"v{paper.latest_version} is out; you read v{paper.read_version}", "yellow"))
    lines += [
        ("authors", ", ".join(paper.authors), None),
        ("categories", ", ".join(paper.categories), None),
        ("published", (paper.published or "")[:10], None),
        ("link", paper.link or "", None),
        ("doi", paper.doi or "", None),
        ("journal", paper.journal_ref or "", None),
        ("comment", paper.comment or "", None),
        ("status", paper.status or "catalogue", None),
        ("added", (paper.added_at or "")[:16], None),
        ("read", (paper.read_at or "")[:16], None),
        ("tags", ", ".join(paper.tags), None),
    ]
    for label, value, style in lines:
        if not value:
            continue
        text = Text(f"{label + ':':<12}" if label else "", style="dim")
        text.append(clean_text(value), style=style)
        out.print(text)
    if paper.abstract:
        out.print(Text("\nAbstract", style="bold"))
        out.print(Text(clean_text(paper.abstract)))
    if paper.summary:
        out.print(Text("\nSummary", style="bold"))
        out.print(Text(clean_text(paper.summary)))
    if paper.takeaways:
        out.print(Text("\nTakeaways", style="bold"))
        for takeaway in paper.takeaways:
            out.print(Text("• " + clean_text(takeaway)))
