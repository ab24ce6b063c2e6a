"""`readr takeaways`: every bold span of the summaries, with its paper."""

from __future__ import annotations

from typing import Optional

import typer

from .output import echo_json, say
from .typer_app import app, store


@app.command("takeaways")
def takeaways_cmd(
    ctx: typer.Context,
    week: Optional[str] = typer.Option(
        None, "--week", "-w", metavar="DATE", help="Only papers read in the week that contains DATE."
    ),
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers with this tag."),
    markdown: bool = typer.Option(False, "--markdown", help="A Markdown list: takeaway, then a link to the paper."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """List the takeaways (bold spans of summaries) with their papers, in reading order."""
    from ..sanitize import clean_line

    first = last = None
    if week is not None:
        from ..config import load_config
        from ..weeks import parse_date, week_bounds

        first, last = week_bounds(parse_date(week), load_config().week_start)
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
        say("no takeaways" + (f" in the week of {week}" if week else "") + (f" tagged {tag}" if tag else ""))
        return
    lines = []
    if markdown:
        from ..digest import escape_title, format_destination

        for paper, text in rows:
            link = format_destination(clean_line(paper.link or ""))
            lines.append(f"- **{clean_line(text)}** ([{escape_title(clean_line(paper.title))}]({link}))")
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
