"""The bodies of `readr` (the TUI), `readr search` and `readr list`, without Typer.

The Typer commands (readr.cli.typer_app, readr.cli.library) and the fast dispatcher
(readr.cli.fast) both call these, so the two paths cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from .output import echo_json, print_papers, say_how_many_more, stream_json

# `readr search --limit`: the default and Typer's min/max (the fast path checks the same bounds).
SEARCH_LIMIT, SEARCH_LIMIT_MIN, SEARCH_LIMIT_MAX = 50, 1, 10_000
# `readr list`: the default --limit, its minimum, and the orders it lists by in SQL (relevance,
# readr.ranking's, is the Typer command's own).
LIST_LIMIT, LIST_LIMIT_MIN = 200, 1
LIST_ORDERS = ("added", "published", "title")


def library_path(db: str | Path | None) -> Path:
    """The library file: --db (with ~ expanded), else $READR_DB, else the user data folder's
    (readr.paths.library_file: a ReadrError if a named one cannot be a library)."""
    from ..paths import library_file

    return library_file(None if db is None else str(db))

def open_tui(db_path: Path, demo: bool = False) -> None:
    """Start the Textual app."""
    from ..tui import run_tui

    run_tui(db_path, demo=demo)


def search(lib, words: list[str] | None, limit: int, reading_list: bool, as_json: bool) -> None:
    """`readr search`: the hits as a table, or as JSON with the matched field and a snippet."""
    from ..config import load_config
    from ..query import parse_query

    query = parse_query(" ".join(words or []), week_start=load_config().week_start)
    if query.like is not None:
        _search_like(lib, query, limit, reading_list, as_json)
        return
    hits = lib.search(query, limit=limit, include_catalogue=not reading_list, snippets=as_json)
    if as_json:
        echo_json([
            dict(hit.paper.to_json(), rank=hit.rank, match=hit.match.to_json() if hit.match else None)
            for hit in hits
        ])
    else:
        print_papers([hit.paper for hit in hits])
    if len(hits) >= limit:
        total, capped = lib.count_search(query, include_catalogue=not reading_list)
        say_how_many_more(len(hits), max(total, len(hits)), capped)


def list_papers(lib, statuses: list[str], tag: str | None, catalogue: bool, limit: int, order: str,
                as_json: bool) -> None:
    """`readr list` in one of LIST_ORDERS (statuses as readr.statuses.parse_status gives them):
    papers streamed from the library to stdout as JSON, a terminal table or plain lines
    (readr.cli.output.print_papers), one batch in memory."""
    wanted = statuses
    if as_json:
        shown = 0

        def counted():
            nonlocal shown
            for paper in lib.iter_papers(statuses=wanted, tag=tag, include_catalogue=catalogue, limit=limit,
                                         order=order):
                shown += 1
                yield paper.to_json()

        stream_json(counted())
    else:
        shown = print_papers(lib.iter_brief_papers(statuses=wanted, tag=tag, include_catalogue=catalogue, limit=limit,
                                                   order=order))
    if shown >= limit:
        say_how_many_more(shown, lib.count_papers(statuses=wanted, tag=tag, include_catalogue=catalogue))


def _search_like(lib, query, limit: int, reading_list: bool, as_json: bool) -> None:
    """A search with like:TAG: the matches most like the papers tagged TAG first, with scores and
    reasons (scikit-learn is imported here, when the tag's model is trained, and only here)."""
    from ..tag_ranking import LIKE_CANDIDATES, like_search
    from .output import say

    found = like_search(lib, query, limit=limit, include_catalogue=not reading_list)
    if found.note:
        say(found.note)
    if as_json:
        echo_json([dict(paper.to_json(), score=score, why=why) for paper, score, why in found.papers])
    else:
        print_papers([paper for paper, _, _ in found.papers], scores=[(score, why) for _, score, why in found.papers])
    if found.capped:
        say(f"scored the newest {LIKE_CANDIDATES} matches; add words or filters (week:this, status:inbox) to "
            "narrow them")
    elif found.total > len(found.papers):
        say_how_many_more(len(found.papers), found.total)
