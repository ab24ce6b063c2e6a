"""Commands over the local library: list, search, show, note, tag, untag, edit, status, read, rm, demo."""

from __future__ import annotations

import shlex
import signal
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from ..errors import ReadrError
from ..query import FILTER_KEYS, search_help_lines
from ..statuses import STATUS_CHOICES
from ..wording import plural, shorten
from . import actions
from .output import echo_json, print_paper, print_papers, say, say_how_many_more, stream_json
from .typer_app import app, store

SORTS = (*actions.LIST_ORDERS, "relevance")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    status: Optional[List[str]] = typer.Option(
        None, "--status", "-s", metavar="STATUS", help=f"Only these statuses ({STATUS_CHOICES})."
    ),
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers with this tag."),
    catalogue: bool = typer.Option(False, "--catalogue", help="Include catalogue entries from bulk imports."),
    limit: int = typer.Option(
        actions.LIST_LIMIT, "--limit", "-n", min=actions.LIST_LIMIT_MIN, help="At most this many papers."
    ),
    sort: str = typer.Option(
        "added", "--sort", metavar="ORDER",
        help="added (newest first), published (newest first), title, or relevance (learned from what you "
        "kept, read and dismissed; with --json each paper has a score and why).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """List the reading list, the most recently added first.

    On a terminal a table; piped or redirected, one paper a line with tab-separated columns
    id, status, date, title, authors, tags (authors and tags joined by ", "; the date is when it
    was read, else added, else published). --json prints a JSON array, one paper a line."""
    if sort not in SORTS:
        raise ReadrError(f"unknown order {sort!r} for --sort: use {', '.join(SORTS)}")
    from ..statuses import parse_status

    statuses = [parse_status(s) for s in status or []]
    lib = store(ctx)
    if sort == "relevance":
        _list_by_relevance(lib, statuses, tag, catalogue, limit, as_json)
        return
    actions.list_papers(lib, statuses, tag, catalogue, limit, sort, as_json)


def _list_by_relevance(lib, statuses: list[str], tag: Optional[str], catalogue: bool, limit: int,
                       as_json: bool) -> None:
    from ..ranking import rank_ids

    every = lib.list_paper_ids(statuses=statuses, tag=tag, include_catalogue=catalogue)
    ranked = rank_ids(lib, every)
    shown = lib.papers_by_ids(ranked.ids[:limit])  # only the papers printed are read whole
    if ranked.note:
        say(ranked.note)
    if as_json:
        stream_json({**p.to_json(), "score": ranked.scores.get(p.id), "why": ranked.why.get(p.id, [])} for p in shown)
    else:
        print_papers(shown, scores=[(ranked.scores.get(p.id), ranked.why.get(p.id, [])) for p in shown])
    if len(every) > limit:
        say_how_many_more(limit, len(every))


@app.command("related")
def related_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="The paper to find others like."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=500, help="At most this many papers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects, each with a score."),
) -> None:
    """Papers anywhere in the library (the catalogue too) most like ID, the closest first."""
    from ..ranking import related

    found = related(store(ctx), ref, limit=limit)
    if as_json:
        echo_json([{**paper.to_json(), "score": score} for paper, score in found])
    else:
        print_papers([paper for paper, _ in found], scores=[(score, []) for _, score in found])


SEARCH_HELP = "\n\n".join([
    "Search titles, authors, abstracts, summaries, takeaways, tags and PDF text.",
    "\b\n" + "\n".join(search_help_lines()),  # \b: Click keeps these lines as they are
    'With --json each result has "match": the field that matched, and a snippet around it.',
])


SEARCH_WORDS_HELP = f"Free text plus filters {', '.join(key + ':' for key in FILTER_KEYS)} (see above)."


@app.command("search", help=SEARCH_HELP)
def search_cmd(
    ctx: typer.Context,
    words: Optional[List[str]] = typer.Argument(
        None, help=SEARCH_WORDS_HELP
    ),
    limit: int = typer.Option(
        actions.SEARCH_LIMIT, "--limit", "-n", min=actions.SEARCH_LIMIT_MIN, max=actions.SEARCH_LIMIT_MAX
    ),
    reading_list: bool = typer.Option(False, "--reading-list", "-r", help="Leave out catalogue entries."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    # The body is shared with the fast dispatcher (readr.cli.fast), which runs `readr search`
    # without importing Typer (tests/test_cli_fast.py checks that it parses these same options).
    actions.search(store(ctx), words, limit=limit, reading_list=reading_list, as_json=as_json)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID", help="arXiv id, URL or readr key."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Show one paper: metadata, abstract, summary and takeaways."""
    lib = store(ctx)
    paper = lib.get(paper_id)
    team = lib.team_notes(paper.key)
    conflict = lib.summary_conflict(paper.key)
    if as_json:
        data = paper.to_json()
        data["summary_conflict"] = conflict
        data["team"] = [note.to_json() for note in team]
        echo_json(data)
        return
    print_paper(paper)
    from ..sanitize import clean_text

    if conflict is not None:
        typer.echo("\nSummary edited on two machines; your other machine's text (readr sync --resolve "
                   f"{paper.key} opens both in $EDITOR):\n{clean_text(conflict)}")
    for note in team:
        read = f", read {note.read_at[:10]}" if note.read_at else ""
        typer.echo(f"\n{clean_text(note.reader)} ({note.status}{read}):" + (f"\n{clean_text(note.summary)}"
                                                                           if note.summary else ""))


@app.command("note")
def note_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID"),
    text: Optional[str] = typer.Argument(None, help="The summary text (Markdown). Use - to read stdin."),
    file: Optional[Path] = typer.Option(
        None, "--file", "-f", exists=True, dir_okay=False, help="Read the summary from a file."
    ),
    edit: bool = typer.Option(False, "--edit", "-e", help="Write the summary in $EDITOR."),
    append: bool = typer.Option(False, "--append", "-a", help="Append to the existing summary."),
) -> None:
    """Set a paper's summary (Markdown; **bold** marks takeaways) from text, a file, stdin or $EDITOR."""
    from ..summaries import drop_draft_if_saved

    lib = store(ctx)
    paper = lib.get(paper_id)
    sources = sum(x is not None and x is not False for x in (text, file, edit or None))
    if sources > 1:
        raise ReadrError("give the summary as text, --file or --edit, not several")
    reads_stdin = text == "-" or (text is None and file is None and not edit and not sys.stdin.isatty())
    given = text is not None or file is not None or reads_stdin
    if append and not given:
        raise ReadrError("--append needs the text to append: give it as text, --file or - for stdin")
    if not given:  # --edit, or `readr note ID` at a terminal
        note_in_editor(lib, paper.key)
        return
    if file is not None:
        try:
            new = file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ReadrError(f"{file} is not UTF-8 text") from None
    elif reads_stdin:
        new = sys.stdin.read()
    else:
        new = text or ""
    if append and paper.summary:
        new = paper.summary.rstrip() + "\n\n" + new
    # --append is read-modify-write: refuse rather than drop what another process saved meanwhile.
    updated = lib.set_summary(paper.key, new, expected=paper.summary if append else None)
    drop_draft_if_saved(lib, updated)
    say(f"summary saved for {updated.key} ({plural(len(updated.takeaways), 'takeaway')})")


def note_in_editor(lib, key: str) -> None:
    from ..drafts import Drafts
    from ..errors import SummaryConflict
    from ..summaries import edit_summary_in_editor

    conflicted = lib.summary_conflict(key) is not None
    if conflicted:
        say(f"the summary of {key} was edited on two machines: the editor shows both texts")
    elif Drafts.of_library(lib).load(key) is not None:
        say(f"opening your unsaved draft of {key} in the editor")
    try:
        updated = edit_summary_in_editor(lib, key)
    except SummaryConflict as conflict:
        where = shlex.quote(str(conflict.draft))
        raise ReadrError(f"{conflict} (readr note {shlex.quote(key)} --file {where} puts it over the other)") from None
    if updated is None:
        say(f"summary of {key} unchanged")
        return
    settled = "; edited on two machines, now resolved (shared at the next sync)" if conflicted else ""
    say(f"summary saved for {updated.key} ({plural(len(updated.takeaways), 'takeaway')}){settled}")


@app.command("tag")
def tag_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID"),
    tags: List[str] = typer.Argument(..., metavar="TAG", help="One or more tags."),
) -> None:
    """Add tags to a paper (tags are unique regardless of case)."""
    paper = store(ctx).add_tags([paper_id], tags)[0]
    say(f"{paper.key}: {', '.join(paper.tags)}")


@app.command("untag")
def untag_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID"),
    tags: List[str] = typer.Argument(..., metavar="TAG"),
) -> None:
    """Remove tags from a paper."""
    paper = store(ctx).remove_tags([paper_id], tags)[0]
    say(f"{paper.key}: {', '.join(paper.tags) or 'no tags'}")


@app.command("edit")
def edit_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID", help="arXiv id, URL or readr key."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="The paper's title."),
    authors: Optional[str] = typer.Option(
        None, "--authors", metavar="NAMES", help='The authors in order, separated by ";" ("Ada Lovelace; Alan Turing").'
    ),
    year: Optional[int] = typer.Option(
        None, "--year", metavar="YYYY", min=1000, max=9999, help="The year it appeared."
    ),
    cite_key: Optional[str] = typer.Option(
        None, "--key", metavar="KEY", help="Its citation key in BibTeX and CSL-JSON exports (unique in the library).",
    ),
) -> None:
    """Correct a paper's title, authors or year (a title cut short in a PDF, say), or set its citation key."""
    if title is None and authors is None and year is None and cite_key is None:
        raise ReadrError("nothing to change: give --title, --authors, --year or --key")
    lib = store(ctx)
    if cite_key is not None:
        from ..bibtex import set_cite_key

        paper = set_cite_key(lib, paper_id, cite_key)
        say(f"{paper.key}: citation key {cite_key.strip()}")
        if title is None and authors is None and year is None:
            return
    before = lib.get(paper_id)
    names = None if authors is None else [name for name in authors.split(";")]
    after = lib.edit_metadata(paper_id, title=title, authors=names, year=year)
    changed = [
        label for label, old, new in (
            ("title", before.title, after.title), ("authors", before.authors, after.authors),
            ("year", before.published, after.published),
        ) if old != new
    ]
    if changed:
        fields = [", ".join(changed[:-1]), changed[-1]] if len(changed) > 1 else changed
        say(f"{after.key}: {' and '.join(fields)} saved")
    else:
        say(f"{after.key}: nothing changed, it already reads so")


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    new_status: str = typer.Argument(..., metavar="STATUS", help=STATUS_CHOICES),
    paper_ids: List[str] = typer.Argument(..., metavar="ID"),
) -> None:
    """Set the reading status of one or more papers."""
    from ..statuses import parse_status

    for paper in store(ctx).set_status(paper_ids, parse_status(new_status)):
        say(f"{paper.key}: {paper.status}")


@app.command("read")
def read_cmd(
    ctx: typer.Context,
    paper_ids: List[str] = typer.Argument(..., metavar="ID"),
    on: Optional[str] = typer.Option(
        None, "--on", metavar="DATE", help="The day you read it (YYYY-MM-DD); default now."
    ),
) -> None:
    """Mark papers read (they go into that week's digest)."""
    from ..weeks import parse_date

    when = parse_date(on) if on else None
    for paper in store(ctx).set_status(paper_ids, "read", on=when):
        say(f"{paper.key}: read on {paper.read_at[:10]}")


@app.command("rm")
def rm_cmd(
    ctx: typer.Context,
    paper_ids: List[str] = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete papers from the library, with their summaries and tags."""
    lib = store(ctx)
    papers = [lib.get(ref) for ref in paper_ids]
    if not yes:
        from ..sanitize import clean_line

        names = "; ".join(f"{p.key} {shorten(clean_line(p.title), 60)}" for p in papers)
        typer.confirm(f"Delete {names}?", abort=True, err=True)
    for paper in lib.delete([p.key for p in papers]):
        say(f"deleted {paper.key}")


@contextmanager
def _exit_on_termination() -> Iterator[None]:
    """SIGTERM and SIGHUP (the terminal was closed) end readr through SystemExit, so what a
    `with` block holds (the demo's temporary library) is cleaned up as on a normal exit."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    print_only: bool = typer.Option(False, "--print", help="Print the sample library instead of opening the TUI."),
) -> None:
    """Open readr on a fresh copy of the built-in sample library (no network needed).

    The copy is deleted when readr exits."""
    from ..sample import build_sample_library

    with _exit_on_termination(), tempfile.TemporaryDirectory(prefix="readr-demo-") as folder:
        target = Path(folder) / "demo.db"
        build_sample_library(target)
        if print_only:
            from ..store import Store

            with Store(target) as lib:
                print_papers(lib.list_papers(), title="readr demo")
            return
        say(f"sample library: {target} (deleted when readr exits)")
        actions.open_tui(target, demo=True)
