"""A strict fast path in front of the Typer app, for the command lines that must start fast.

Typer takes ~0.1 s to import, more than the rest of `readr search` at 10k papers. This module
runs exactly these command lines without importing it:

    readr [--db PATH | --db=PATH]                        the TUI, as `readr` does
    readr [--db PATH | --db=PATH] search [-n N | --limit N | --limit=N] [-r | --reading-list]
                                         [--json] [WORDS...]
    readr [--db PATH | --db=PATH] list [-n N | --limit N | --limit=N] [-s S | --status S | --status=S]...
                                       [-t T | --tag T | --tag=T] [--catalogue]
                                       [--sort added|published|title | --sort=...] [--json]

(options of `search` may come before, between or after the words; every option but --status at
most once; `list --sort relevance` is the Typer app's). Anything
else at all -- --help or -h anywhere, an unknown option, `--`, a missing or odd option value,
a limit out of range, combined short flags, a value or word that starts with "-", another
command -- is not parsed here: `dispatch` returns and readr/__main__.py hands the untouched
argv to the Typer app, so help, error messages and exit codes stay Typer's.

For what it does run, it behaves as the Typer app: the same bodies (readr.cli.actions), the same
output and one-line error functions (readr.cli.output), and Typer's handling of Ctrl-C (exit
130), end of input ("readr: aborted") and a closed pipe (exit 1, silently).
tests/test_cli_fast.py compares the two paths on a corpus of command lines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..record import field, record
from .actions import LIST_LIMIT, LIST_LIMIT_MIN, LIST_ORDERS, SEARCH_LIMIT, SEARCH_LIMIT_MAX, SEARCH_LIMIT_MIN


@record
class Plan:
    """A command line the fast path runs: the TUI, a search or a list."""

    command: str  # "tui", "search" or "list"
    db: Path | None = None
    words: list[str] = field(default_factory=list)
    limit: int = SEARCH_LIMIT
    reading_list: bool = False
    as_json: bool = False
    statuses: list[str] = field(default_factory=list)
    tag: str | None = None
    catalogue: bool = False
    order: str = "added"


def parse(argv: list[str]) -> Plan | None:
    """The plan for argv, or None when the Typer app must handle it."""
    if os.environ.get("_READR_COMPLETE"):  # Typer's shell completion
        return None
    for arg in argv:
        if arg.startswith("-") and not _known(arg):
            return None
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes in argv (surrogate escapes)
            return None
    rest = list(argv)
    db = None
    while rest and (rest[0] == "--db" or rest[0].startswith("--db=")):
        if db is not None:
            return None
        if rest[0] == "--db":
            if len(rest) < 2:
                return None
            db = rest[1]
            del rest[:2]
        else:
            db = rest.pop(0)[len("--db="):]
        if not _plain_value(db) or not _file_okay(db):
            return None
    plan = Plan("tui", db=Path(db) if db is not None else None)
    if not rest:
        return plan
    command = rest.pop(0)
    if command == "list":
        plan.command, plan.limit = "list", LIST_LIMIT
        return _list_options(plan, rest)
    if command != "search":
        return None
    plan.command = "search"
    seen: set[str] = set()
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            plan.words.append(arg)
            continue
        name, _, value = arg.partition("=")
        name = {"-n": "--limit", "-r": "--reading-list"}.get(name, name)
        if name in seen:
            return None
        seen.add(name)
        if name == "--limit":
            if arg == "-n" or arg == "--limit":
                if not rest:
                    return None
                value = rest.pop(0)
            number = _limit(value)
            if number is None:
                return None
            plan.limit = number
        elif "=" in arg:
            return None
        elif name == "--reading-list":
            plan.reading_list = True
        elif name == "--json":
            plan.as_json = True
        else:
            return None
    return plan


def _list_options(plan: Plan, rest: list[str]) -> Plan | None:
    """The options of `readr list` into plan, or None for anything the Typer app must see."""
    seen: set[str] = set()
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            return None  # list takes no words
        name, equals, value = arg.partition("=")
        name = {"-n": "--limit", "-s": "--status", "-t": "--tag"}.get(name, name)
        if name in seen and name != "--status":
            return None
        seen.add(name)
        if name in ("--limit", "--status", "--tag", "--sort"):
            if not equals or arg[:2] != "--":
                if equals or not rest:
                    return None
                value = rest.pop(0)
            if not _plain_value(value):
                return None
            if name == "--limit":
                if not (value.isascii() and value.isdigit() and len(value) <= 18) or int(value) < LIST_LIMIT_MIN:
                    return None
                plan.limit = int(value)
            elif name == "--status":
                plan.statuses.append(value)
            elif name == "--tag":
                plan.tag = value
            elif value in LIST_ORDERS:
                plan.order = value
            else:
                return None  # relevance, or an unknown order the Typer app explains
        elif equals:
            return None
        elif name == "--catalogue":
            plan.catalogue = True
        elif name == "--json":
            plan.as_json = True
        else:
            return None
    return plan


def _known(arg: str) -> bool:
    return arg in (
        "--db", "-n", "--limit", "-r", "--reading-list", "--json", "-s", "--status", "-t", "--tag", "--catalogue",
        "--sort",
    ) or arg.startswith(("--db=", "--limit=", "--status=", "--tag=", "--sort="))


def _plain_value(value: str) -> bool:
    return bool(value) and not value.startswith("-") and "\x00" not in value


def _file_okay(db: str) -> bool:
    """An existing directory is an error, which the Typer app reports (readr.paths.library_file)."""
    import stat

    try:
        return not stat.S_ISDIR(os.stat(Path(db)).st_mode)
    except OSError:
        return True  # a new library file, or one Store will report on


def _limit(value: str) -> int | None:
    """Plain decimal digits within Typer's bounds, else None (Typer explains the error)."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    number = int(value)
    return number if SEARCH_LIMIT_MIN <= number <= SEARCH_LIMIT_MAX else None


def run(plan: Plan) -> int:
    """Run a plan as the Typer app would; the exit code."""
    from .actions import library_path
    from .output import print_error, user_error

    db_path = plan.db
    try:
        try:
            db_path = library_path(plan.db)
            _execute(plan, db_path)
        except Exception as exc:  # readr.cli.typer_app.ReadrGroup.invoke
            message = user_error(exc, db_path)
            if message is None:
                raise
            print_error(message)
            return 1
    # Typer's own handling around the command (typer.core._main, ReadrGroup.main).
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\n")
        sys.stderr.flush()
        sys.stderr.write("readr: aborted\n")
        sys.stderr.flush()
        return 1
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _PacifyFlush(sys.stdout)
        sys.stderr = _PacifyFlush(sys.stderr)
        return 1
    return 0


def _execute(plan: Plan, db_path: Path) -> None:
    from . import actions

    if plan.command == "tui":
        actions.open_tui(db_path)
        return
    if plan.command == "list":
        from ..statuses import parse_status

        statuses = [parse_status(s) for s in plan.statuses]  # before the library is opened, as Typer's
    from ..store.search import SearchMixin, SearchStore

    library: type[SearchMixin] = SearchStore
    if plan.command == "search" and "like:" in " ".join(plan.words).lower():
        from ..store import Store  # like:TAG ranks with the tag's model (RankingMixin)

        library = Store
    lib = library(db_path)
    try:
        if plan.command == "list":
            actions.list_papers(lib, statuses, plan.tag, plan.catalogue, plan.limit, plan.order, plan.as_json)
            return
        actions.search(lib, plan.words, limit=plan.limit, reading_list=plan.reading_list, as_json=plan.as_json)
    finally:
        lib.close()


class _PacifyFlush:
    """A closed pipe: the flush at interpreter exit stays quiet (as click's PacifyFlushWrapper)."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str):
        return getattr(self.wrapped, attr)


def dispatch(argv: list[str]) -> None:
    """Run argv here and exit if it is one of the fast command lines; else return."""
    plan = parse(argv)
    if plan is not None:
        sys.exit(run(plan))
