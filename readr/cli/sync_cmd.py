"""`readr sync`: share the reading state through a git repository."""

from __future__ import annotations

from typing import Optional

import typer

from .output import say
from .typer_app import app, store


@app.command("sync")
def sync_cmd(
    ctx: typer.Context,
    remote: Optional[str] = typer.Argument(
        None, metavar="REMOTE",
        help="The shared git repository (a URL or a path, bare or not); remembered, so only the first time.",
    ),
    reader: Optional[str] = typer.Option(
        None, "--as", metavar="NAME", help="Your name in the repository (readers/NAME/); remembered."
    ),
    resolve: Optional[str] = typer.Option(
        None, "--resolve", metavar="ID",
        help="Drop the other machine's text of a summary edited on two machines (readr show ID shows both); "
        "keep what you want of it in the summary first. No network; the next sync shares it.",
    ),
) -> None:
    """Sync with the shared repository: fetch, merge, bring teammates' notes in, push your own."""
    from ..errors import ReadrError
    from ..sync import sync

    if resolve is not None:
        if remote is not None or reader is not None:
            raise ReadrError("--resolve takes no REMOTE or --as")
        paper = store(ctx).get(resolve)
        if not store(ctx).resolve_summary_conflict(paper.key):
            raise ReadrError(f"the summary of {paper.key} has no second text to resolve")
        typer.echo(f"{paper.key}: the other machine's text dropped; your summary stands (shared at the next sync)")
        return

    report = sync(store(ctx), remote=remote, reader=reader)
    for line in report.skipped:
        say(line)
    typer.echo(report.line())
