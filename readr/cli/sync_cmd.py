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
        help="Settle a summary edited on two machines: $EDITOR opens both texts between conflict markers, and "
        "what you save (without the markers) becomes the summary. No network; the next sync shares it.",
    ),
    keep: Optional[str] = typer.Option(
        None, "--keep", metavar="this|other",
        help="With --resolve, no editor: keep this machine's text, or the other machine's.",
    ),
    publish: Optional[bool] = typer.Option(
        None, "--publish/--no-publish",
        help="Keep the team's monthly digest pages (digest/YYYY-MM.md) and a GitBook SUMMARY.md in the "
        "repository, regenerated at every sync; remembered.",
    ),
) -> None:
    """Sync with the shared repository: fetch, merge, bring teammates' notes in, push your own."""
    from ..errors import ReadrError
    from ..sync import sync

    if keep is not None and resolve is None:
        raise ReadrError("--keep goes with --resolve ID")
    if resolve is not None:
        if remote is not None or reader is not None or publish is not None:
            raise ReadrError("--resolve takes no REMOTE, --as or --publish")
        _resolve(ctx, resolve, keep)
        return

    report = sync(store(ctx), remote=remote, reader=reader, publish=publish)
    for line in report.skipped:
        say(line)
    typer.echo(report.line())


def _resolve(ctx: typer.Context, ref: str, keep: Optional[str]) -> None:
    from ..errors import ReadrError
    from ..summaries import resolve_conflict
    from .library import note_in_editor

    lib = store(ctx)
    paper = lib.get(ref)
    if keep is not None:
        resolve_conflict(lib, paper.key, keep)
        which = "this machine's text" if keep == "this" else "the other machine's text"
        typer.echo(f"{paper.key}: {which} kept as the summary; resolved (shared at the next sync)")
        return
    if lib.summary_conflict(paper.key) is None:
        raise ReadrError(f"the summary of {paper.key} has no second text to resolve")
    note_in_editor(lib, paper.key)
