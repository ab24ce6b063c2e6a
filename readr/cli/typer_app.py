"""The Typer application: global options, the store for commands, one-line errors.

The CLI is a thin shell over the core (readr.store, readr.ingest, readr.digest ...). It
never imports Textual, and heavy modules are imported inside the commands that need them.
What it prints goes through readr.cli.output (typer-free, shared with readr.cli.fast).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional, Sequence

import typer
from typer._click.exceptions import UsageError  # typer 0.29 vendors click; pinned in pyproject
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ..record import field, record
from .actions import library_path, open_tui
from .output import print_error, user_error


class UserError(typer.TyperException):
    exit_code = 1


class _ReadrArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column already says what it is (ID..., FILE...), not <list[str]>

    @property
    def display_name_raw(self) -> str:
        return self.metavar if self.metavar is not None else (self.name or "value").upper()


class _ReadrOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        if getattr(self.type_descriptor, "annotation", None) is int:
            return "N"
        return (self.name or "value").upper().replace("_", "-")  # --tag TAG, not --tag <str>


def _readable_params(params: list) -> list:
    """Typer's help shows each parameter's Python type (<bool>, <list[str]>, <str>); readr's shows
    a name for a value (ID, TAG, PATH) and nothing for a flag. Typer has no hook for this, so the
    parameters are given a subclass that only changes how their type is displayed."""
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _ReadrArgument
        elif type(param) is TyperOption:
            param.__class__ = _ReadrOption
    return params


class ReadrCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list:
        return _readable_params(super().get_params(ctx))


class ReadrTyper(typer.Typer):
    def command(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("cls", ReadrCommand)
        return super().command(*args, **kwargs)


def _usage_hint(exc: Any) -> str:
    """Point at the help of the command that was being parsed: `readr add --help`."""
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "readr"
    return f" (see {path} --help)"


class ReadrGroup(TyperGroup):
    """Turns readr's own errors and click's usage errors into one line on stderr."""

    def get_params(self, ctx: Any) -> list:
        return _readable_params(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # readr's own errors, a damaged or foreign library file, a full disk: one line, not a
            # traceback (the same function as the fast path's, readr.cli.fast).
            message = user_error(exc, getattr(ctx.obj, "db_path", None))
            if message is None:
                raise
            raise UserError(message) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name or "readr", complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as exc:
            print_error(exc.format_message(), _usage_hint(exc) if isinstance(exc, UsageError) else "")
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("readr: aborted", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            typer.echo("readr: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


app = ReadrTyper(
    cls=ReadrGroup,
    name="readr",
    help="readr: a keyboard-driven reading list for arXiv papers, with a weekly Markdown digest.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@record
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
    db: Optional[str] = typer.Option(
        None, "--db", metavar="PATH",
        help="Library file (default: $READR_DB, else library.db in your user data folder). "
        "A new library is created only in a folder that exists.",
        envvar=None,
    ),
) -> None:
    """readr with no command opens the TUI on your library."""
    ctx.obj = State(db_path=library_path(db))
    ctx.call_on_close(lambda: ctx.obj._store.close() if ctx.obj._store is not None else None)
    if ctx.invoked_subcommand is None:
        open_tui(ctx.obj.db_path)
