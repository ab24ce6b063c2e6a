"""The TUI's start-up path and the one-widget key bar (issue 6: first frame within 1.3x a bare
Textual app). Nothing here is timed: the tests check the structure that makes start-up cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest


pytest.importorskip("textual")

from readr.tui.keybar import KeyBar  # noqa: E402
from tests.tui_support import app_for, demo_db, settle  # noqa: F401 (demo_db is a fixture)



def test_the_first_frame_needs_no_markdown_import():
    """Markdown (markdown-it, pygments) is the detail pane's: it is imported after the first frame."""
    code = (
        "import sys; import readr.tui.app; "
        "print(sorted(m for m in ('markdown_it', 'pygments', 'textual.widgets._markdown', 'readr.tui.detail', "
        "'readr.tui.dialogs', 'readr.digest', 'readr.pdfs', 'pypdf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


async def test_the_first_page_is_listed_before_any_worker_runs(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        library = app.library
        # No pause yet: the rows of the first frame were read on the UI thread.
        assert library.papers.paper_count > 0
        first = app.store.keys_for([library.papers.current_id])[0]
        await settle(pilot, app)
        assert library.detail is not None, "the detail pane is mounted right after the first frame"
        assert app.store.keys_for([library.papers.current_id]) == [first]
        assert str(library.query_one("#detail-title").render()) == app.store.get(first).title
        assert not library.query("DetailSlot")


async def test_the_key_bar_shows_the_shown_bindings_and_the_palette_key(demo_db):
    app = app_for(demo_db, keymap={"search": "s,slash", "mark-reading": "ctrl+r"})
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        bar = app.screen.query_one(KeyBar)
        keys, palette = bar.items()
        shown = {b.action: b for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert [b.action for b, _ in keys] == list(shown)
        assert palette is not None and palette[0].key == app.COMMAND_PALETTE_BINDING
        line = "".join(segment.text for segment in bar.render_line(0))
        assert len(line) == 160
        assert " s Search " in line, "a remapped key shows with its first key"
        assert "Reading" not in line, "bindings with show=False stay out"
        assert line.rstrip().endswith("^p palette")


async def test_clicking_a_key_in_the_bar_runs_its_binding(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        bar = app.screen.query_one(KeyBar)
        line = "".join(segment.text for segment in bar.render_line(0))
        await pilot.click(KeyBar, offset=(line.index("Search"), 0))
        await settle(pilot, app)
        assert app.screen.focused is app.screen.query_one("#search")
        await pilot.press("escape")
        line = "".join(segment.text for segment in bar.render_line(0))
        await pilot.click(KeyBar, offset=(line.index("palette"), 0))
        await settle(pilot, app)
        assert type(app.screen).__name__ == "CommandPalette"


async def test_the_key_bar_follows_the_focused_widget(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        bar = app.screen.query_one(KeyBar)
        for keys in ((), ("slash",), ("escape",)):
            for key in keys:
                await pilot.press(key)
            await settle(pilot, app)
            shown = list(dict.fromkeys(b.action for _, b, _, _ in app.screen.active_bindings.values() if b.show))
            assert [b.action for b, _ in bar.items()[0]] == shown
            line = "".join(segment.text for segment in bar.render_line(0))
            for binding, _ in bar.items()[0]:
                if line.index(binding.description) > 80:
                    break
                assert f" {app.get_key_display(binding)} {binding.description} " in line
