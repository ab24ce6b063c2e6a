"""What the CLI prints: JSON, paper tables, status lines and one-line errors.

Typer-free: the Typer commands and the fast dispatcher (readr.cli.fast) both print through
these functions, so `readr search` writes the same bytes whichever path ran it. Rich is
imported only inside the functions that draw with it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..errors import ReadrError
from ..sanitize import clean_text


def echo_json(data: Any) -> None:
    """JSON on stdout; strings are cleaned of control characters on the way out."""
    sys.stdout.write(json.dumps(_clean_json(data), ensure_ascii=False, indent=2) + "\n")


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


def print_papers(
    papers: list, title: str | None = None, ranks: bool = False,
    scores: list[tuple[float | None, list[str]]] | None = None,
) -> None:
    """A table of papers; with `scores` (relevance and its reasons, per paper) two more columns."""
    if not papers:
        say("no papers")
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    table = Table(title=Text(clean_text(title)) if title else None, expand=True, box=None, header_style="bold")
    ranked = scores is not None and any(score is not None for score, _ in scores)
    if ranked:
        table.add_column("score", no_wrap=True, justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("title", ratio=5, min_width=20)
    table.add_column("authors", ratio=2, no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("tags", ratio=1, no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("date", no_wrap=True)
    explained = ranked and scores is not None and any(why for _, why in scores)
    if explained:
        table.add_column("why", ratio=2, overflow="fold")
    for number, paper in enumerate(papers):
        when = (paper.read_at or paper.added_at or paper.published or "")[:10]
        marker = " ↑" if paper.newer_version_available else ""
        score, why = scores[number] if ranked and scores is not None else (None, [])
        cells = [Text(f"{score:+.2f}" if score is not None else "")] if ranked else []
        table.add_row(
            *cells,
            Text(clean_text(paper.key)),
            Text(clean_text(paper.status or "catalogue")),
            Text(clean_text(paper.title) + marker),
            Text(clean_text(short_authors(paper.authors))),
            Text(clean_text(", ".join(paper.tags))),
            Text(when),
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
