"""The add dialog (a) on a line that mixes ids with other text: each id is looked up, the rest is
reported token by token (as `readr add` does), and nothing is sent to arXiv's search."""

from __future__ import annotations

import pytest

from readr.config import Config
from readr.store import Store

pytest.importorskip("textual")

from readr.tui import make_app  # noqa: E402
from readr.tui.dialogs import AddDialog  # noqa: E402
from tests.tui_support import notifications, settle, wait_until  # noqa: E402


def app_on_empty_library(tmp_path, arxiv_server):
    from readr.arxiv_api import ArxivClient

    db = tmp_path / "lib.db"
    Store(db).close()
    return make_app(db, config=Config(),
                    client_factory=lambda: ArxivClient(base_url=arxiv_server.url, delay=0, retries=0))


def hint(app) -> str:
    return str(app.screen.query_one("#add-hint").render())


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in notifications(app)]


async def look_up(pilot, app, line: str) -> None:
    await settle(pilot, app)
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, AddDialog))
    await pilot.press(*line, "enter")
    await wait_until(pilot, lambda: not hint(app).startswith(("Asking arXiv", "Fetching")))  # arXiv answered


async def test_words_and_ids_on_one_line_are_reported_token_by_token(tmp_path, arxiv_server):
    app = app_on_empty_library(tmp_path, arxiv_server)
    async with app.run_test(size=(120, 30)) as pilot:
        await look_up(pilot, app, "foo 0704.0001 0704.9999")
        dialog = app.screen
        assert [c.record.arxiv_id for c in dialog.candidates] == ["0704.0001"]
        assert dialog.query_one("#add-results").selected == [0], "the found id is picked"
        assert "'foo' is not an arXiv id or URL" in hint(app)
        assert "not found on arXiv: 0704.9999" in hint(app)
        assert not any(r.params.get("search_query") for r in arxiv_server.api_requests), "no arXiv search"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddDialog))
        await settle(pilot, app)
        assert app.store.get("0704.0001").status == "to-read"
        report = notices(app)[-1]
        assert report.startswith("Added 1 paper: ")
        assert "added 0704.0001: " in report
        assert "not found on arXiv: 0704.9999" in report
        assert "'foo' is not an arXiv id or URL" in report


async def test_a_mistyped_id_alone_is_reported_not_searched(tmp_path, arxiv_server):
    app = app_on_empty_library(tmp_path, arxiv_server)
    async with app.run_test(size=(120, 30)) as pilot:
        await look_up(pilot, app, "0704.123456")
        assert not app.screen.candidates
        assert not arxiv_server.api_requests
        assert any("'0704.123456' is not an arXiv id or URL" in n for n in notices(app)), notices(app)
        assert isinstance(app.screen, AddDialog) and app.is_running


async def test_with_arxiv_unreachable_the_words_that_are_no_ids_are_still_reported(tmp_path):
    from readr.arxiv_api import ArxivClient

    db = tmp_path / "lib.db"
    Store(db).close()
    app = make_app(db, config=Config(), client_factory=lambda: ArxivClient(
        base_url="http://127.0.0.1:9", delay=0, retries=0, timeout=3))  # the discard port: refused
    async with app.run_test(size=(120, 30)) as pilot:
        await look_up(pilot, app, "foo 0704.0001")
        assert hint(app).startswith("Failed: ")
        assert "'foo' is not an arXiv id or URL" in hint(app)
