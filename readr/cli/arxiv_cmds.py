"""Commands that talk to arXiv: add, arxiv, follow, fetch, refresh."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from ..errors import ReadrError
from ..wording import plural
from .output import echo_json, say, say_interrupted
from .typer_app import app, store


def _client():
    from ..arxiv_api import ArxivClient

    return ArxivClient()


def _progress(label: str):
    """A progress callback for batched fetches (only drawn on a terminal)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def _finish(report) -> None:
    for line in getattr(report, "missing", []):
        say(f"not found on arXiv: {line}")
    for line in getattr(report, "errors", []):
        say(f"failed: {line}")
    if getattr(report, "missing", None) or getattr(report, "errors", None):
        raise typer.Exit(1)


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    refs: List[str] = typer.Argument(
        ..., metavar="ID_OR_URL", help="arXiv ids or URLs (abs, pdf, DOI); web page URLs with --web."
    ),
    web: bool = typer.Option(False, "--web", help="Add URLs that are not arXiv papers as web pages."),
    title: Optional[str] = typer.Option(None, "--title", help="Title for a web page added with --web."),
    inbox: bool = typer.Option(False, "--inbox", help="Put new papers in the inbox instead of the to-read list."),
) -> None:
    """Fetch papers from arXiv (batched, politely) and add them to the to-read list.

    A paper in the inbox (or dismissed) goes to the to-read list; one you are reading or have read stays.
    """
    from ..ingest import AddReport, add_references, join_stamps, parse_references

    if title is not None and not web:
        raise ReadrError("--title names a web page: use it with --web")
    refs = join_stamps(refs)
    parse_references(refs, web_pages=web)  # reject bad input before opening the library or the network
    report = AddReport()
    try:
        add_references(
            store(ctx), _client(), refs, status="inbox" if inbox else "to-read", title=title,
            on_progress=_progress("fetching"), web_pages=web, report=report,
        )
    except KeyboardInterrupt:
        say_interrupted(report.changed, len(refs), "papers", "added")
        raise typer.Exit(130) from None
    for line in report.lines():
        say(line)
    if report.failed:
        raise typer.Exit(1)


def _parse_selection(text: str, count: int) -> list[int]:
    """'1 3-5', '1,2' or 'all' -> zero-based indexes."""
    text = text.strip().lower()
    if text in ("", "none", "n", "q"):
        return []
    if text in ("all", "a", "*"):
        return list(range(count))
    chosen: list[int] = []
    for part in text.replace(",", " ").split():
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise ReadrError(f"{part!r} is not a result number") from None
        if not (1 <= first <= last <= count):
            raise ReadrError(f"{part!r} is outside 1..{count}")
        chosen += [i - 1 for i in range(first, last + 1) if i - 1 not in chosen]
    return chosen


@app.command("arxiv")
def arxiv_cmd(
    ctx: typer.Context,
    query: List[str] = typer.Argument(
        ..., metavar="QUERY", help='arXiv query; fielded terms such as ti:, au:, cat:, abs: pass through.'
    ),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=2000),
    sort: str = typer.Option(
        "relevance", "--sort", metavar="ORDER", help="relevance, submittedDate or lastUpdatedDate."
    ),
    add: Optional[str] = typer.Option(
        None, "--add", metavar="NUMBERS", help="Add these results without asking: '1 3-5' or 'all'."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON and add nothing."),
) -> None:
    """Search arXiv and pick results to add to the to-read list."""
    from rich.text import Text

    from ..ingest import add_records
    from ..sanitize import clean_line
    from .output import console, short_authors

    records = _client().search(" ".join(query), max_results=limit, sort=sort)
    if as_json:
        echo_json([record.__dict__ for record in records])
        return
    if not records:
        say("no results")
        return
    lib = store(ctx)
    out = console()
    for number, record in enumerate(records, start=1):
        have = lib.find(record.arxiv_id)
        mark = f" [{have.status or 'catalogue'}]" if have else ""
        line = Text(f"{number:>3}. ", style="bold")
        line.append(clean_line(record.title))
        line.append(f"{mark}\n     {record.arxiv_id}v{record.version or 1}  ", style="dim")
        line.append(clean_line(short_authors(record.authors)), style="dim")
        line.append(f"  {(record.published or '')[:10]}", style="dim")
        out.print(line)
    if add is None:
        if not sys.stdin.isatty():
            say("add results with --add '1 3-5' or --add all")
            return
        add = typer.prompt("Add which? (e.g. 1 3-5, all, none)", default="none", err=True)
    picked = [records[i] for i in _parse_selection(add, len(records))]
    report = add_records(lib, picked)
    for paper in report.added:
        say(f"added {paper.key}: {paper.title}")
    for paper in report.updated:
        say(f"already in library: {paper.key}")


@app.command("follow")
def follow_cmd(
    ctx: typer.Context,
    kind: Optional[str] = typer.Argument(None, help="category, query or author."),
    value: Optional[List[str]] = typer.Argument(None, help="e.g. cs.LG, 'ti:diffusion', 'Yoshua Bengio'."),
    remove: bool = typer.Option(False, "--rm", "--remove", help="Stop following it."),
) -> None:
    """List followed feeds, or follow (--rm: unfollow) a category, query or author."""
    from ..ingest import normalize_follow

    lib = store(ctx)
    if kind is None:
        rows = lib.follows()
        if not rows:
            say("you follow nothing yet: try `readr follow category cs.LG`")
        for row in rows:
            last = row["last_fetched_at"] or "never"
            typer.echo(f"{row['kind']:<9} {row['value']}  (last fetched: {last})")
        return
    kind, text = normalize_follow(kind, " ".join(value or []))
    if remove:
        if not lib.remove_follow(kind, text):
            raise ReadrError(f"you do not follow {kind} {text!r}")
        say(f"unfollowed {kind} {text}")
    elif lib.add_follow(kind, text):
        say(f"following {kind} {text}; `readr fetch` pulls its newest papers into the inbox")
    else:
        say(f"already following {kind} {text}")


@app.command("fetch")
def fetch_cmd(
    ctx: typer.Context,
    limit: int = typer.Option(200, "--limit", "-n", min=1, max=2000, help="At most this many papers per feed."),
    since: Optional[str] = typer.Option(
        None, "--since", metavar="DATE", help="Pull papers submitted since this day (YYYY-MM-DD) instead."
    ),
) -> None:
    """Pull the newest papers of followed feeds (since the last pull) into the inbox."""
    from ..ingest import fetch_follows
    from ..weeks import parse_date

    start = parse_date(since).isoformat() if since else None
    lib = store(ctx)
    report = fetch_follows(lib, _client(), max_per_follow=limit, since=start)
    for paper in report.new:
        say(f"inbox: {paper.key}: {paper.title}")
    say(_fetch_summary(report))
    if report.new:
        from ..ranking import likely_for_you

        likely = likely_for_you(lib, report.new)
        if likely is not None:
            say(f"{likely} likely for you (readr list --status inbox --sort relevance)")
    _finish(report)


def _fetch_summary(report) -> str:
    """`3 new in the inbox since 2026-11-25, 1 already known`: the day each feed was read from
    (one line per feed when they differ)."""
    from ..ingest import FIRST_FETCH_DAYS

    def since(window) -> str:
        first = f" (first fetch: the last {FIRST_FETCH_DAYS} days)" if window.first else ""
        return f"since {window.since[:10]}{first}"

    totals = f"{len(report.new)} new in the inbox"
    windows = report.windows
    if len({since(w) for w in windows}) == 1:
        return f"{totals} {since(windows[0])}, {report.seen} already known"
    lines = [f"{w.kind} {w.value}: {w.new} new {since(w)}" for w in windows]
    return "\n".join([*lines, f"{totals}, {report.seen} already known"])


@app.command("refresh")
def refresh_cmd(
    ctx: typer.Context,
    refs: Optional[List[str]] = typer.Argument(
        None, metavar="ID", help="Default: every arXiv paper on your list."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the papers with a newer version as JSON."),
) -> None:
    """Re-fetch metadata and flag papers whose arXiv version is newer than the one you read."""
    from ..ingest import refresh

    report = refresh(store(ctx), _client(), refs or [], on_progress=_progress("refreshing"))
    if as_json:
        echo_json([p.to_json() for p in report.newer])
    else:
        say(f"refreshed {plural(len(report.refreshed), 'paper')}")
        for paper in report.newer:
            say(f"newer version: {paper.key} v{paper.latest_version} is out "
                f"(you read v{paper.read_version}): {paper.title}")
    _finish(report)
