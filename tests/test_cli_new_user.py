"""The CLI as a new user meets it: help texts, errors, adding, dates, digests, the editor, Ctrl-C,
the demo (issue 11, "The CLI")."""

from __future__ import annotations

import json
import re

import pytest

from readr.store import Store
from tests.conftest import make_record


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- help and usage errors -----------------------------------------------------------------------


def _command_names(cli) -> list[str]:
    from readr.cli import app
    from typer.main import get_command

    return sorted(get_command(app).commands)


def test_help_of_every_command_names_values_not_python_types(cli):
    names = _command_names(cli)
    assert {"add", "export", "takeaways", "list", "note"} <= set(names)
    for name in [None, *names]:
        result = cli(*([name] if name else []), "--help")
        assert result.exit_code == 0, (name, result.output)
        types = re.findall(r"<(?:bool|str|int|float|path|list\[[a-z]+\]|[a-z]+ range)>", result.output)
        assert not types, (name, types)
    add_help = cli("add", "--help").output
    assert re.search(r"--title\s+TITLE", add_help)
    assert re.search(r"--inbox\s+Put them in the inbox", add_help)  # a flag: no value column
    assert re.search(r"--limit\s+-n\s+N\b", cli("list", "--help").output)


def test_usage_errors_point_at_the_subcommands_help(cli):
    result = cli("add")
    assert result.exit_code == 2
    assert "see readr add --help" in result.stderr
    assert "see readr list --help" in cli("list", "--bogus").stderr
    assert "see readr --help" in cli("nosuch").stderr
