"""`readr rank`: the rules on top of the relevance model (muted and boosted authors, words and
categories), kept in config.toml's [rank.mute] and [rank.boost] tables."""

from __future__ import annotations

from typing import List

import typer

from .output import echo_json, say
from .typer_app import ReadrGroup, ReadrTyper, app

rank_app = ReadrTyper(
    cls=ReadrGroup,
    name="rank",
    short_help="Mute or boost authors, words and categories in ranked lists (readr rank lists the rules).",
    help="Rules on top of the relevance ranking: mute or boost an author, a word (or phrase) or a category. "
    "A muted paper goes to the bottom of a ranked list (its score drops by 10), each boost lifts it by 1; "
    "both show in its reasons. The rules live in the config file's rank.mute and rank.boost tables. "
    "readr rank alone lists them.",
    invoke_without_command=True,
)
app.add_typer(rank_app, name="rank")

PAST = {"mute": "muted", "boost": "boosted"}
KIND_HELP = "author, word (a word or a phrase of the title or abstract) or category (cs.CV, or a whole archive: cs)."


def _change(action: str, kind: str, values: list[str], present: bool) -> None:
    from ..config import change_rank_rules
    from ..sanitize import clean_line
    from ..wording import plural

    rules = change_rank_rules(action, kind, values, present)
    done = {("mute", True): "muted", ("mute", False): "unmuted", ("boost", True): "boosted",
            ("boost", False): "unboosted"}[(action, present)]
    say(f"{done}: {', '.join(clean_line(v) for v in values)} ({plural(len(rules.listing()), 'rule')} in all; "
        "readr rank rules lists them)")


@rank_app.callback()
def rank_main(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        rules_cmd(as_json=False)


@rank_app.command("mute")
def mute_cmd(
    kind: str = typer.Argument(..., metavar="KIND", help=KIND_HELP),
    values: List[str] = typer.Argument(..., metavar="VALUE...", help="Names, words or categories to mute."),
) -> None:
    """Push papers by an author, with a word, or in a category to the bottom of ranked lists."""
    _change("mute", kind, values, True)


@rank_app.command("boost")
def boost_cmd(
    kind: str = typer.Argument(..., metavar="KIND", help=KIND_HELP),
    values: List[str] = typer.Argument(..., metavar="VALUE...", help="Names, words or categories to boost."),
) -> None:
    """Lift papers by an author, with a word, or in a category in ranked lists."""
    _change("boost", kind, values, True)


@rank_app.command("unmute")
def unmute_cmd(
    kind: str = typer.Argument(..., metavar="KIND", help=KIND_HELP),
    values: List[str] = typer.Argument(..., metavar="VALUE...", help="Muted names, words or categories."),
) -> None:
    """Take mute rules off."""
    _change("mute", kind, values, False)


@rank_app.command("unboost")
def unboost_cmd(
    kind: str = typer.Argument(..., metavar="KIND", help=KIND_HELP),
    values: List[str] = typer.Argument(..., metavar="VALUE...", help="Boosted names, words or categories."),
) -> None:
    """Take boost rules off."""
    _change("boost", kind, values, False)


@rank_app.command("rules")
def rules_cmd(as_json: bool = typer.Option(False, "--json", help="Print a JSON object.")) -> None:
    """List the mute and boost rules, and the file they are kept in."""
    from ..config import load_config
    from ..paths import config_path

    rules = load_config().rank_rules
    if as_json:
        from ..rank_rules import ACTIONS, KINDS, TOML_KEYS

        tables = {action: {TOML_KEYS[kind]: list(rules.values(action, kind)) for kind in KINDS} for action in ACTIONS}
        echo_json({**tables, "config": str(config_path())})
        return
    listing = rules.listing()
    if not listing:
        say(f"no rules yet (readr rank mute author \"Name\", readr rank boost word diffusion); kept in {config_path()}")
        return
    from ..sanitize import clean_line

    for action, kind, value in listing:
        typer.echo(f"{PAST[action]:<8} {kind:<9} {clean_line(value)}")
    say(f"in {config_path()}")
