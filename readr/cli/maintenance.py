"""Commands that look after the library file: backup, check."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .output import echo_json, say
from .typer_app import app, state, store


@app.command("backup")
def backup_cmd(
    ctx: typer.Context,
    path: Optional[Path] = typer.Argument(
        None, metavar="PATH",
        help="Backup file, or a folder for a dated file (default: <library>.files/backups/).",
    ),
    force: bool = typer.Option(False, "--force", "-f", help="Replace PATH if it exists."),
) -> None:
    """Copy the library to a backup file (safe while readr is running), then check the copy."""
    from ..maintenance import backup

    target = backup(store(ctx), path, force=force)
    size = target.stat().st_size
    say(f"backup written to {target} ({size / 1e6:.1f} MB), checked")
    typer.echo(str(target))


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    repair: bool = typer.Option(
        False, "--repair", help="Rebuild the search index, takeaways and tag text if they are out of date."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Check the library: file integrity, references, schema, search index, takeaways and tags."""
    from ..errors import LibraryDamaged
    from ..maintenance import check, unreadable_library_report

    try:
        library = store(ctx)
    except LibraryDamaged as exc:
        report = unreadable_library_report(state(ctx).db_path, exc.reason)
    else:
        report = check(library, repair=repair)
    if as_json:
        echo_json(report.to_json())
    else:
        for line in report.lines():
            typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)
