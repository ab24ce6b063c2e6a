"""The Typer application: global options, one-line errors, and the shared output helpers.

The CLI is a thin shell over the core (readr.store, readr.ingest, readr.digest ...). It
never imports Textual, and heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import typer
from typer._click.exceptions import UsageError  # typer 0.29 vendors click; pinned in pyproject
from typer.core import TyperGroup

from ..errors import ReadrError
from ..sanitize import clean_text


class UserError(typer.TyperException):
    exit_code = 1


class ReadrGroup(TyperGroup):
    """Turns readr's own errors and click's usage errors into one line on stderr."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ReadrError as exc:  # arxiv_api.ArxivError is one too
            raise UserError(str(exc) or exc.__class__.__name__) from None
        except Exception as exc:
            # A damaged or foreign library file, a full disk: one line, not a traceback.
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is None or not isinstance(exc, sqlite3.DatabaseError):
                raise
            from ..store.connection import describe_database_error

            message = describe_database_error(exc, getattr(ctx.obj, "db_path", None))
            if message is None:
                raise
            raise UserError(message) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name or "readr", complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:
            message = " ".join(clean_text(exc.format_message()).split())
            hint = " (see readr --help)" if isinstance(exc, UsageError) else ""
            typer.echo(f"readr: error: {message}{hint}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("readr: aborted", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            typer.echo("readr: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=ReadrGroup,
    name="readr",
    help="readr: a keyboard-driven reading list for arXiv papers, with a weekly Markdown digest.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    db_path: Path
    _store: Any = field(default=None, repr=False)

    @property
    def store(self):
        if self._store is None:
            from ..store import Store

            self._store = Store(self.db_path)
        return self._store


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


def store(ctx: typer.Context):
    return state(ctx).store


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[Path] = typer.Option(
        None, "--db", help="Library file (default: $READR_DB, else library.db in your user data folder).",
        envvar=None, dir_okay=False,
    ),
) -> None:
    """readr with no command opens the TUI on your library."""
    from ..paths import default_db_path

    ctx.obj = State(db_path=(db.expanduser() if db else default_db_path()))
    ctx.call_on_close(lambda: ctx.obj._store.close() if ctx.obj._store is not None else None)
    if ctx.invoked_subcommand is None:
        open_tui(ctx.obj.db_path)


def open_tui(db_path: Path, demo: bool = False) -> None:
    """Start the Textual app; until it exists, print the library instead."""
    try:
        from ..tui import run_tui
    except ImportError:
        from ..store import Store

        with Store(db_path) as lib:
            print_papers(lib.list_papers(), title=f"{db_path}")
        return
    run_tui(db_path, demo=demo)


# --- output helpers ---------------------------------------------------------------------------


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
    typer.echo(clean_text(message), err=True)


def short_authors(authors: list[str]) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        return authors[0]
    if len(authors) == 2:
        return f"{authors[0]}, {authors[1]}"
    return f"{authors[0]} et al."


def print_papers(papers: list, title: str | None = None, ranks: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    if not papers:
        say("no papers")
        return
    table = Table(title=Text(clean_text(title)) if title else None, expand=True, box=None, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("title", ratio=5, min_width=20)
    table.add_column("authors", ratio=2, no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("tags", ratio=1, no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("date", no_wrap=True)
    for paper in papers:
        when = (paper.read_at or paper.added_at or paper.published or "")[:10]
        marker = " ↑" if paper.newer_version_available else ""
        table.add_row(
            Text(clean_text(paper.key)),
            Text(clean_text(paper.status or "catalogue")),
            Text(clean_text(paper.title) + marker),
            Text(clean_text(short_authors(paper.authors))),
            Text(clean_text(", ".join(paper.tags))),
            Text(when),
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
