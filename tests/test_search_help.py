"""The search filters are described once (readr.query.SEARCH_FILTERS): the CLI help, the TUI's
search placeholder and help screen, and the query errors come from that table."""

from __future__ import annotations

import pytest

from readr.errors import QueryError
from readr.query import FILTER_KEYS, SEARCH_FILTERS, parse_query, search_help_lines, search_placeholder


def test_every_filter_the_parser_knows_is_described():
    assert FILTER_KEYS == tuple(f.key for f in SEARCH_FILTERS)
    for described in SEARCH_FILTERS:
        parse_query(described.example)  # each example is a valid query
        if described.key == "week":
            continue  # week: alone is this week
        with pytest.raises(QueryError, match=f"{described.key}: needs a value, e.g. {described.example}"):
            parse_query(described.key + ":")
    with pytest.raises(QueryError) as unknown:
        parse_query("colour:red")
    assert all(f"{key}:" in str(unknown.value) for key in FILTER_KEYS)


def test_cli_help_lists_every_filter(cli):
    shown = cli("search", "--help").output
    for line in search_help_lines():
        assert " ".join(line.split()) in " ".join(shown.split())


async def test_tui_placeholder_and_help_list_every_filter(tmp_path):
    pytest.importorskip("textual")
    from textual.widgets import Input

    from readr.tui.dialogs import HelpScreen
    from tests.tui_support import app_for, settle

    app = app_for(tmp_path / "lib.db")
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot, app)
        placeholder = app.screen.query_one("#search", Input).placeholder
        assert placeholder.endswith(search_placeholder())
        assert all(f.example in placeholder for f in SEARCH_FILTERS)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        for line in search_help_lines():
            assert line in text
