"""Pilot tests of the TUI's rough edges a new user hit: the cursor after clearing a search, the
digest preview's week and date jumps, the help screen, select-all, the date column's label, the
theme and the keymap checks."""

from __future__ import annotations

import pytest

from readr.store import Store

pytest.importorskip("textual")

from readr.tui.app import LibraryScreen  # noqa: E402
from tests.test_tui_flows import _bulk_library  # noqa: E402
from tests.tui_support import app_for, demo_db, notifications, screen_lines, settle  # noqa: E402,F401 (demo_db is a fixture)


def library(app) -> LibraryScreen:
    return app.library


def key_under_cursor(app) -> str:
    papers = library(app).papers
    return app.store.keys_for([papers.current_id])[0]


# --- clearing a search keeps the paper ----------------------------------------------------------


async def test_clearing_a_search_keeps_the_cursor_on_the_selected_paper(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"cosmology", "escape")
        await settle(pilot, app)
        papers = library(app).papers
        assert papers.paper_count >= 3
        await pilot.press("j", "j")
        chosen = key_under_cursor(app)
        await pilot.press("escape")  # in the list: clears the search
        await settle(pilot, app)
        assert library(app).search_text == ""
        assert papers.paper_count > 3, "the whole view is back"
        assert key_under_cursor(app) == chosen
        assert papers.cursor > 0


async def test_clearing_a_search_finds_the_paper_past_the_first_page(tmp_path):
    db = tmp_path / "big.db"
    _bulk_library(db, 1500)
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"graphs", "escape")
        await settle(pilot, app)
        papers = library(app).papers
        await pilot.press("G")  # the last match: far down the whole list
        chosen = key_under_cursor(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert papers.paper_count == 1500
        assert key_under_cursor(app) == chosen
        assert papers.cursor > 300, "the paper lies past the first page the list shows at once"


# --- select all, and a selection that outlives tagging ------------------------------------------


async def test_ctrl_a_selects_the_whole_view_not_only_the_rows_on_screen(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        papers = library(app).papers
        assert papers.paper_count > papers.size.height, "more papers than rows on screen"
        await pilot.press("ctrl+a")
        await settle(pilot, app)
        assert papers.selected == {i for i in papers.entries if i >= 0}
        assert f"{papers.paper_count} selected" in str(app.screen.query_one("#status").render())


async def test_ctrl_a_while_only_the_first_page_is_loaded_selects_the_rest_when_it_arrives(tmp_path):
    from readr.query import Query
    from readr.tui.messages import ViewLoaded
    from readr.tui.view_loader import FIRST_PAGE

    db = tmp_path / "big.db"
    _bulk_library(db, 1000)
    app = app_for(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = library(app)
        papers = screen.papers
        first = app.store.view_ids("all", Query(), limit=FIRST_PAGE)
        whole = app.store.view_ids("all", Query())
        assert first.partial and len(whole.ids) == 1000
        screen.loader.generation += 1
        screen.on_view_loaded(ViewLoaded(screen.loader.generation, first, None, 0.0, partial=True))
        await pilot.press("ctrl+a")
        assert len(papers.selected) == FIRST_PAGE
        screen.on_view_loaded(ViewLoaded(screen.loader.generation, whole, None, 0.0))
        assert papers.selected == set(whole.ids)


async def test_tagging_keeps_the_selection_until_the_user_clears_it(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        papers = library(app).papers
        await pilot.press("space", "space")
        chosen = set(papers.selected)
        assert len(chosen) == 2
        keys = app.store.keys_for(sorted(chosen))
        await pilot.press("plus", *"first", "enter")
        await settle(pilot, app)
        assert papers.selected == chosen
        await pilot.press("plus", *"second", "enter")
        await settle(pilot, app)
        assert all({"first", "second"} <= set(app.store.get(k).tags) for k in keys)
        await pilot.press("escape")
        assert not papers.selected


def test_space_says_it_moves_down_and_ctrl_a_says_it_selects_all():
    from readr.tui.keys import LIST_BINDINGS, palette_name

    by_id = {b.id: b for b in LIST_BINDINGS}
    assert "move down" in by_id["select"].description
    assert "move down" in palette_name(by_id["select"])
    assert by_id["select-all"].key == "ctrl+a" and "all" in by_id["select-all"].description.lower()


# --- the help screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
async def test_help_screen_keeps_keys_apart_from_whole_descriptions(demo_db, width):
    from readr.tui.dialogs import HelpScreen
    from readr.tui.keys import ALL_GROUPS, palette_name

    app = app_for(demo_db)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app, "#help-box Static")
        text = "\n".join(lines)
        page_down = next(line for line in lines if "pagedown, ctrl+d" in line)
        assert "pagedown, ctrl+d  " in page_down and "Page down" in page_down
        words = set(text.split())
        for _, bindings in ALL_GROUPS:
            for binding in bindings:
                description = palette_name(binding)
                assert set(description.split()) <= words, f"{description!r} is cut"
                assert binding.id in words
                if width >= 120:
                    assert any(description in line for line in lines), f"{description!r} on one line"


async def test_quick_j_presses_in_the_help_screen_each_scroll(demo_db):
    from textual import events

    app = app_for(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        # One burst, as a fast typist's keys reach the app: none waits for a repaint.
        for key, character in [("question_mark", "?")] + [("j", "j")] * 6:
            app.post_message(events.Key(key, character))
        await settle(pilot, app)
        box = app.screen.query_one("#help-box")
        assert box.scroll_y == 6
        for _ in range(4):
            app.post_message(events.Key("k", "k"))
        await settle(pilot, app)
        assert box.scroll_y == 2


# --- keymap checks ------------------------------------------------------------------------------


async def test_a_remap_that_takes_q_from_quit_is_reported_at_start(demo_db):
    app = app_for(demo_db, keymap={"mark-read": "q"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        warnings = [n for n in notifications(app) if n.severity == "warning"]
        assert len(warnings) == 1
        message = warnings[0].message
        assert "q is bound to mark-read and to quit" in message
        assert "quit has no key left that reaches it (ctrl+q still quits)" in message
        key = app.store.list_papers(statuses=["to-read"])[0].key
        papers = library(app).papers
        papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
        await pilot.press("q")  # as reported: q now marks read, and the app stays open
        await settle(pilot, app)
        assert app.is_running
        assert app.store.get(key).status == "read"


async def test_a_remap_inside_the_library_that_leaves_an_action_without_key_is_reported(demo_db):
    app = app_for(demo_db, keymap={"mark-read": "a", "bogus-id": "z"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        message = "\n".join(n.message for n in notifications(app))
        assert "a is bound to mark-read and to add" in message
        assert "add has no key left" in message
        assert "Unknown binding ids: bogus-id" in message


async def test_a_harmless_remap_raises_no_false_alarm(demo_db):
    app = app_for(demo_db, keymap={"mark-read": "x, #", "cursor-down": "n"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not [n for n in notifications(app) if n.severity == "warning"]
        key = app.store.list_papers(statuses=["to-read"])[0].key
        papers = library(app).papers
        papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
        await pilot.press("number_sign")  # "#" as the keymap wrote it, after a space: one key to compare
        await settle(pilot, app)
        assert app.store.get(key).status == "read"


# --- the date column and the views bar ----------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
async def test_the_date_column_is_labelled_with_what_it_means_in_each_view(demo_db, width):
    from readr.clock import clock
    from readr.tui.paper_list import short_date

    app = app_for(demo_db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot, app)
        for digit, label, field in [("1", "added", "added_at"), ("5", "read", "read_at"),
                                    ("7", "published", "published"), ("6", "added", "added_at")]:
            await pilot.press(digit)
            await settle(pilot, app)
            header = screen_lines(app, "#columns")[0]
            assert header.split()[-1] == label, (digit, header)
            assert header.split()[0] == "title"
            papers = library(app).papers
            paper = app.store.papers_by_ids([papers.current_id])[0]
            line = "".join(s.text for s in papers.render_line(papers.cursor - int(papers.scroll_offset.y)))
            shown = short_date(getattr(paper, field), clock.today())
            assert shown and line.rstrip().endswith(shown), (digit, line)
            # the date sits under its label
            assert line.index(shown) == header.index(label)


@pytest.mark.parametrize("width", [80, 120])
async def test_the_views_bar_shows_dismissed_with_its_digit(demo_db, width):
    with Store(demo_db) as lib:
        lib.set_status(["0704.0001"], "dismissed")
    app = app_for(demo_db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot, app)
        bar = screen_lines(app, "#views")[0]
        dismissed = app.store.status_counts()["dismissed"]
        assert dismissed >= 1
        assert (f"6 Dismissed {dismissed}" if width >= 120 else f"6 Dism. {dismissed}") in bar
        catalogue = app.store.status_counts()["catalogue"]
        assert bar.rstrip().endswith(f"Catalogue {catalogue}" if width >= 120 else f"Cat. {catalogue}")
        await pilot.press("]")  # the cycle passes through it too
        await pilot.press("]", "]", "]", "]")
        await settle(pilot, app)
        assert library(app).view == "dismissed"


# --- one theme mechanism, remembered ------------------------------------------------------------


async def pick_theme(pilot, app, name: str) -> None:
    from textual.command import CommandPalette

    await pilot.press("ctrl+t")
    await settle(pilot, app)
    assert isinstance(app.screen, CommandPalette), "ctrl+t opens the theme picker"
    await pilot.press(*name)
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)


async def test_ctrl_t_picks_a_theme_that_is_saved_in_the_config_and_used_next_time(demo_db, isolated_home):
    import tomllib

    from readr.paths import config_path
    from readr.tui import make_app

    path = config_path()
    assert path.parent == isolated_home
    path.write_text('# my settings\nweek_start = "sunday"\n\n[keymap]\n"mark-read" = "x"  # mine\n')
    app = make_app(demo_db)  # the settings from the file
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert app.theme == "textual-dark"
        await pick_theme(pilot, app, "nord")
        assert app.theme == "nord"
        assert isinstance(app.screen, LibraryScreen)
    text = path.read_text()
    assert text == '# my settings\nweek_start = "sunday"\ntheme = "nord"\n\n[keymap]\n"mark-read" = "x"  # mine\n'
    assert tomllib.loads(text)["keymap"] == {"mark-read": "x"}
    again = make_app(demo_db)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot, again)
        assert again.theme == "nord"


async def test_the_palettes_theme_command_is_the_same_picker_and_creates_the_config_file(demo_db):
    from readr.paths import config_path
    from readr.tui.commands import palette_commands

    path = config_path()
    assert not path.exists()
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not any("theme" in name.lower() for name, _, _ in palette_commands(app)), \
            "one Theme entry: Textual's own"
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await pilot.press(*"theme", "enter")  # Textual's Theme command opens the picker
        await settle(pilot, app)
        await pilot.press(*"textual-light", "enter")
        await settle(pilot, app)
        assert app.theme == "textual-light"
        assert any("saved in" in n.message for n in notifications(app))
    assert path.read_text() == 'theme = "textual-light"\n'


async def test_a_theme_that_cannot_be_saved_says_so(demo_db, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be\n")
    monkeypatch.setenv("READR_CONFIG", str(blocker / "config.toml"))
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pick_theme(pilot, app, "nord")
        assert app.theme == "nord"  # used for this session
        warnings = [n for n in notifications(app) if n.severity == "warning"]
        assert warnings and warnings[-1].title == "Theme not saved"
        assert str(blocker) in warnings[-1].message
    assert blocker.read_text() == "a file where the config folder should be\n"


# --- the digest preview: the read paper's week, any week or month -------------------------------


def exported(db, *args: str) -> str:
    """What `readr export ARGS` writes to stdout."""
    from typer.testing import CliRunner

    from readr.cli import app as cli_app

    result = CliRunner().invoke(cli_app, ["--db", str(db), "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def read_in_2022(demo_db):
    from datetime import date

    with Store(demo_db) as lib:
        lib.set_status(["0704.0002"], "read", on=date(2022, 3, 15))
        lib.set_summary("0704.0002", "A takeaway from *2022*.\n\n![a plot](figures/plot.png)")
        (lib.data_dir / "figures").mkdir(parents=True, exist_ok=True)
        (lib.data_dir / "figures" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        lib.set_status(["0704.0175"], "read", on=date(2022, 3, 2))  # read, no summary
        lib.set_status(["0704.0101"], "read", on=date(2022, 2, 9))
        lib.set_summary("0704.0101", "February's paper.")
    return demo_db


async def open_preview_on(pilot, app, key: str):
    from readr.tui.digest_preview import DigestPreview

    papers = library(app).papers
    papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
    await settle(pilot, app)
    await pilot.press("p")
    await settle(pilot, app)
    assert isinstance(app.screen, DigestPreview)
    return app.screen


async def go_to(pilot, app, text: str) -> None:
    await pilot.press("g")
    await settle(pilot, app)
    await pilot.press(*text, "enter")
    await settle(pilot, app)


async def test_the_preview_opens_on_the_week_the_highlighted_paper_was_read(read_in_2022):
    from readr.clock import clock
    from readr.weeks import week_bounds

    app = app_for(read_in_2022)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        preview = await open_preview_on(pilot, app, "0704.0002")
        assert "2022-03-14 – 2022-03-20" in str(preview.query_one("#digest-title").render())
        assert "A takeaway from *2022*." in preview.markdown
        assert preview.markdown == exported(read_in_2022, "--week", "2022-03-15")
        assert str(app.store.data_dir / "figures" / "plot.png") in preview.markdown  # as stdout links it
        await pilot.press("escape")
        await pilot.press("1")
        await settle(pilot, app)
        unread = app.store.list_papers(statuses=["to-read"])[0].key
        preview = await open_preview_on(pilot, app, unread)
        first, _ = week_bounds(clock.today(), 0)
        assert f"{first.isoformat()} –" in str(preview.query_one("#digest-title").render())
        assert "(this week)" in str(preview.query_one("#digest-title").render())


async def test_typing_a_date_or_a_month_jumps_there_and_shows_what_export_writes(read_in_2022):
    app = app_for(read_in_2022)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        await settle(pilot, app)
        preview = app.screen
        unsummarized = app.store.get("0704.0175").title[:20]
        await go_to(pilot, app, "2022-03-02")
        assert preview.markdown == exported(read_in_2022, "--week", "2022-03-02")
        assert unsummarized not in preview.markdown
        await pilot.press("a")  # with the papers read without a summary, as --all
        assert preview.markdown == exported(read_in_2022, "--week", "2022-03-02", "--all")
        assert unsummarized in preview.markdown
        await pilot.press("a")
        await go_to(pilot, app, "2022-03")
        assert preview.markdown == exported(read_in_2022, "--month", "2022-03")
        assert preview.markdown.startswith("# 2022-3")
        assert "Digest for the month 2022-03 · 1 entry in 1 week" in str(preview.query_one("#digest-title").render())
        await pilot.press("h")  # on a month page: the previous month
        assert preview.markdown == exported(read_in_2022, "--month", "2022-02")
        assert "February's paper." in preview.markdown
        await go_to(pilot, app, "today")
        assert preview.markdown == exported(read_in_2022, "--week", "today")
        assert "(this week)" in str(preview.query_one("#digest-title").render())
        await go_to(pilot, app, "last")
        assert preview.markdown == exported(read_in_2022, "--week", "last")
        assert "(this week)" not in str(preview.query_one("#digest-title").render())
        await go_to(pilot, app, "2019-06-05")  # a week with nothing read, long ago
        assert preview.markdown == ""
        assert "nothing read that week" in str(preview.query_one("#digest-title").render())


async def test_a_date_that_cannot_be_read_says_why_and_keeps_the_prompt_open(read_in_2022):
    from readr.tui.digest_preview import DigestPreview, GoToDate

    app = app_for(read_in_2022)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        await settle(pilot, app)
        before = app.screen.markdown
        await go_to(pilot, app, "2022-13")
        assert isinstance(app.screen, GoToDate)
        assert "not a month" in str(app.screen.query_one("#go-to-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, DigestPreview)
        assert app.screen.markdown == before
