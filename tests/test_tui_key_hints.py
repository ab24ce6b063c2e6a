"""Every hint that names a key names the reader's key: after a [keymap] remap the views bar, the
empty-list hints, the notices, the status line and the dialogs' hints show the new key, and
without one the default keys."""

from __future__ import annotations

import pytest

from readr.drafts import Drafts
from readr.store import Store

pytest.importorskip("textual")

from textual.widgets import Markdown  # noqa: E402

from readr.tui.digest_preview import DigestPreview  # noqa: E402
from readr.tui.editor import SummaryEditor  # noqa: E402
from readr.tui.keys import BINDINGS_BY_ID, check_keymap, key_of, keys_for  # noqa: E402
from tests.tui_support import app_for, demo_db, notifications, screen_lines, settle, wait_until  # noqa: F401 (a fixture)

# Keys no other binding of the same place has (check_keymap reports none of them).
REMAP = {
    "add": "A", "edit": "x", "undo": "z", "help": "f1", "clear": "ctrl+l", "mark-read": "R",
    "view-inbox": "0", "view-read": "9", "digest-preview": "P", "digest-all": "n",
}
DEFAULT = {binding_id: key_of({}, binding_id) for binding_id in REMAP}


def pressed(keymap: dict[str, str], binding_id: str) -> str:
    """The first key of a binding as Pilot presses it ("escape", not "esc")."""
    return keys_for(BINDINGS_BY_ID[binding_id], keymap).split(",")[0]


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in notifications(app)]


def test_key_of_gives_the_first_key_as_shown_after_remapping():
    assert key_of({}, "tag") == "+"  # "plus,T": the first, as typed
    assert key_of({}, "help") == "?"
    assert key_of({}, "clear") == "esc"
    assert key_of({}, "editor-close", capitalized=True) == "Esc"
    assert key_of({"edit": "E"}, "edit", capitalized=True) == "E"  # a one-character key keeps its case
    assert key_of({"tag": "ctrl+t, #"}, "tag") == "ctrl+t"
    assert key_of({"select-visible": "ctrl+e"}, "select-all") == "ctrl+e"  # a renamed id still counts


def test_the_keymap_check_names_the_help_key_the_reader_has():
    assert "(? lists them)" in "\n".join(check_keymap({"bogus": "z"}))
    assert "(f1 lists them)" in "\n".join(check_keymap({"bogus": "z", "help": "f1"}))


@pytest.mark.parametrize("keymap", [REMAP, {}], ids=["remapped", "default"])
async def test_the_views_bar_notices_and_status_line_name_the_readers_keys(demo_db, keymap):
    keys = {**DEFAULT, **keymap}
    Drafts.of_library(Store(demo_db)).save("0704.0002", "Typed before the crash")
    app = app_for(demo_db, keymap=keymap)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, app)
        library = app.library
        bar = "\n".join(screen_lines(app, "#views"))
        assert f" {keys['view-inbox']} Inbox " in bar and f" {keys['view-read']} Read " in bar
        assert (" 2 Inbox " in bar) == (keymap == {})
        recovered = next(n for n in notices(app) if n.startswith("Recovered drafts"))
        assert f"Open the paper and press {keys['edit']} to continue." in recovered

        library.papers.move_cursor(list(library.papers.entries).index(app.store.get("0704.0002").id))
        await settle(pilot, app)
        assert f"press {keys['edit']} to continue it" in str(library.query_one("#detail-meta").render())
        bare = next(p for p in app.store.list_papers(statuses=["to-read"]) if not (p.summary or "").strip())
        library.papers.move_cursor(list(library.papers.entries).index(bare.id))
        await settle(pilot, app)
        summary = library.query_one("#detail-summary", Markdown).source
        assert summary == f"*No summary yet: press {keys['edit']} to write one.*"

        await pilot.press(keys["view-inbox"])
        await settle(pilot, app)
        assert library.view == "inbox"
        paper = library.current_paper()
        assert paper is not None and paper.status == "inbox"
        await pilot.press(keys["mark-read"])
        await settle(pilot, app)
        assert app.store.get(paper.key).status == "read"
        assert f"Marked read: 1 paper. {keys['undo']} undoes." in notices(app)[-1]
        status = "\n".join(screen_lines(app, "#status"))
        assert f"{keys['undo']} undoes: " in status and status.rstrip().endswith(f"{keys['help']} keys")

        await pilot.press("slash", *"graph")
        await settle(pilot, app)
        assert f"({keys['clear']} in the list clears)" in "\n".join(screen_lines(app, "#status"))
        await pilot.press("escape", pressed(keymap, "clear"))  # back to the list, then clear the search
        await settle(pilot, app)
        assert library.search_text == ""

        await pilot.press(keys["view-read"])
        await settle(pilot, app)
        assert library.view == "read"
        headers = list(library.papers.header_titles.values())
        assert f"(the digest: {keys['digest-preview']} previews it)" in headers[0]
        await pilot.press(keys["digest-preview"])
        await wait_until(pilot, lambda: isinstance(app.screen, DigestPreview))
        title = str(app.screen.query_one("#digest-title").render())
        assert f"left out ({keys['digest-all']} includes them)" in title
        await pilot.press(keys["digest-all"])
        assert app.screen.include_unsummarized


@pytest.mark.parametrize("keymap", [REMAP, {}], ids=["remapped", "default"])
async def test_the_empty_list_hints_name_the_readers_add_key(tmp_path, keymap):
    keys = {**DEFAULT, **keymap}
    app = app_for(tmp_path / "empty.db", keymap=keymap)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        library = app.library
        assert library.papers.paper_count == 0
        assert library.papers.empty_message == f"No papers yet. Press {keys['add']} to add some from arXiv."
        assert f"Press {keys['add']} to add some" in "\n".join(screen_lines(app, "#papers"))
        await pilot.press("3")  # To read
        await settle(pilot, app)
        assert library.papers.empty_message == f"Nothing to read. Press {keys['add']} to add papers."
        await pilot.press("5")  # view-read is remapped in REMAP: 5 opens it only by default
        await settle(pilot, app)
        if keymap:
            assert library.view == "to-read"
            await pilot.press(keys["view-read"])
            await settle(pilot, app)
        read_hint = f"Nothing read yet. Press {keys['mark-read']} on a paper to mark it read."
        assert library.papers.empty_message == read_hint


DIALOG_REMAP = {
    "edit": "x", "editor-close": "f2", "editor-preview": "f3", "tag": "t", "tag-cancel": "f4",
    "edit-metadata": "M", "metadata-cancel": "f5", "undo": "z", "add": "A", "add-confirm": "ctrl+g",
    "add-cancel": "f6",
}


async def test_the_editor_and_dialog_hints_name_the_readers_keys(demo_db):
    app = app_for(demo_db, keymap=DIALOG_REMAP)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryEditor))
        status = str(app.screen.query_one("#editor-status").render())
        assert "F2 saves & closes, f3 preview." in status
        await pilot.press("f2")
        await wait_until(pilot, lambda: not isinstance(app.screen, SummaryEditor))

        await pilot.press("t")
        await settle(pilot, app)
        assert "Tab completes, Enter applies, F4 cancels." in "\n".join(screen_lines(app, "Static"))
        await pilot.press("f4")
        await settle(pilot, app)

        await pilot.press("M")
        await settle(pilot, app)
        assert str(app.screen.query_one("#metadata-hint").render()) == (
            "Tab moves, Enter saves, F5 cancels. z in the list undoes.")
        await pilot.press("f5")
        await settle(pilot, app)

        await pilot.press("A")
        await settle(pilot, app)
        assert str(app.screen.query_one("#add-hint").render()) == (
            "Enter fetches. Space picks, ctrl+g adds the picked papers to To read, F6 closes.")
        await pilot.press("f6")
        await settle(pilot, app)
        assert app.screen is app.library
