"""`readr takeaways`: every bold span of the summaries, with its paper."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import ReadrError
from ..weeks import WHEN_HELP
from .output import echo_json, say
from .typer_app import app, store


@app.command("takeaways")
def takeaways_cmd(
    ctx: typer.Context,
    when: Optional[str] = typer.Argument(
        None, metavar="WHEN", help=f"With --week (the default when WHEN is given) or --month: {WHEN_HELP}."
    ),
    week: bool = typer.Option(False, "--week", "-w", help="Only papers read in the week WHEN (default: this week)."),
    month: bool = typer.Option(
        False, "--month", "-m",
        help="Only papers read in the month WHEN (YYYY-MM too; default: this month): as in the digest, "
        "the weeks that end in it.",
    ),
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers with this tag."),
    markdown: bool = typer.Option(False, "--markdown", help="A Markdown list: takeaway, then a link to the paper."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """List the takeaways (bold spans of summaries) with their papers, in reading order."""
    from ..sanitize import clean_line

    first = last = None
    period = ""
    if week and month:
        raise ReadrError("choose one of --week and --month")
    if month:
        from ..config import load_config
        from ..weeks import month_bounds, month_of

        year, number = month_of(when)
        first, last = month_bounds(year, number, load_config().week_start)  # the digest's month: its weeks
        period = f" in {year}-{number:02d}"
    elif week or when is not None:
        from ..config import load_config
        from ..weeks import week_of

        first, last = week_of(when, load_config().week_start)
        period = f" in the week of {first.isoformat()} to {last.isoformat()}"
    rows = store(ctx).takeaways_list(first, last, tag=tag)
    if as_json:
        echo_json(
            [
                {"takeaway": text, "paper": paper.key, "title": paper.title, "url": paper.link,
                 "read_at": paper.read_at, "tags": paper.tags}
                for paper, text in rows
            ]
        )
        return
    if not rows:
        say("no takeaways" + period + (f" tagged {tag}" if tag else ""))
        return
    lines = []
    if markdown:
        from ..digest import escape_title, format_destination
        from ..digest.export import paper_link

        for paper, text in rows:
            title = escape_title(clean_line(paper.title) or paper.key)
            link = paper_link(paper)
            source = f"[{title}]({format_destination(link)})" if link else title  # a local PDF: no link
            lines.append(f"- **{clean_line(text)}** ({source})")
    else:
        current = None
        for paper, text in rows:
            if paper.id != current:
                if current is not None:
                    lines.append("")
                when = (paper.read_at or "")[:10]
                lines.append(f"{clean_line(paper.title)}  [{paper.key}]" + (f"  read {when}" if when else ""))
                current = paper.id
            lines.append(f"  • {clean_line(text)}")
    typer.echo("\n".join(lines))
