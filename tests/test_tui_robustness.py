"""TUI robustness: no summary lost between the TUI and the CLI (set_summary(expected=...)), huge
text that cannot freeze the app (the detail pane and the editor preview render a bounded part),
and draft files for keys of any length. Pilot tests on a real library; the CLI runs for real."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from readr.clock import clock
from readr.sample import build_sample_library
from readr.store import Store

pytest.importorskip("textual")

from readr.errors import SummaryConflict  # noqa: E402
from readr.tui.app import LibraryScreen  # noqa: E402
from readr.tui.detail import MAX_FIELD_CHARS, excerpt  # noqa: E402
from readr.drafts import MAX_NAME_BYTES, Drafts  # noqa: E402
from readr.tui.editor import SummaryEditor  # noqa: E402
from tests.tui_support import app_for, demo_db, notifications, settle  # noqa: F401 (demo_db is a fixture)

KEY = "0704.0002"
ROOT = Path(__file__).resolve().parents[1]


async def move_to(pilot, app, key: str) -> None:
    papers = app.library.papers
    papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
    await settle(pilot, app)


async def open_editor(pilot, app, key: str = KEY) -> SummaryEditor:
    await move_to(pilot, app, key)
    await pilot.press("e")
    await pilot.pause(0.1)
    assert isinstance(app.screen, SummaryEditor)
    return app.screen


def elsewhere(db, key: str, text: str) -> None:
    """`readr note` in another terminal, while the TUI's editor is open."""
    with Store(db) as other:
        other.set_summary(key, text)


def warnings(app) -> list:
    return [n for n in notifications(app) if n.severity in ("warning", "error")]


# --- 1. no lost summaries -------------------------------------------------------------------------


async def test_editor_save_refuses_to_overwrite_a_summary_changed_elsewhere(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        editor = await open_editor(pilot, app)
        await pilot.press(*" Mine: **typed in the TUI**.")
        mine = editor.text
        elsewhere(demo_db, KEY, "From the CLI: **written with readr note**.")
        await pilot.press("escape")  # save & close: refused
        await pilot.pause(0.1)
        assert app.screen is editor and editor.text == mine  # still open, the reader's text intact
        assert app.store.get(KEY).summary == "From the CLI: **written with readr note**."
        assert app.library.drafts.load(KEY) == mine  # and on disk as a draft
        (notice,) = [n for n in warnings(app) if "changed elsewhere" in n.title.lower()]
        assert "nothing was saved" in notice.message.lower() and "again" in notice.message
        assert "changed elsewhere" in str(editor.query_one("#editor-status").render()).lower()
        await pilot.press("ctrl+s")  # the second save overwrites, deliberately
        await pilot.pause(0.1)
        assert app.store.get(KEY).summary == mine.strip()
        assert app.store.get(KEY).takeaways[-1] == "typed in the TUI"
        assert app.library.drafts.load(KEY) is None
        elsewhere(demo_db, KEY, "A third write.")  # and a newer change is refused again
        await pilot.press(*" more")
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.screen is editor and app.store.get(KEY).summary == "A third write."
        assert len([n for n in warnings(app) if "changed elsewhere" in n.title.lower()]) == 2


async def test_revert_after_a_conflict_shows_the_other_version_and_undo_brings_mine_back(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        editor = await open_editor(pilot, app)
        await pilot.press(*" mine")
        mine = editor.text
        elsewhere(demo_db, KEY, "theirs")
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert app.store.get(KEY).summary == "theirs"
        await pilot.press("ctrl+r")
        assert editor.text == "theirs"
        await pilot.press("ctrl+z")
        assert editor.text == mine
        await pilot.press("ctrl+r")
        await pilot.press("escape")  # closing on the stored text writes nothing
        await settle(pilot, app)
        assert isinstance(app.screen, LibraryScreen)
        assert app.store.get(KEY).summary == "theirs" and app.library.drafts.load(KEY) is None


async def test_an_untouched_editor_never_puts_back_an_old_summary(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_editor(pilot, app)
        elsewhere(demo_db, KEY, "newer, from the CLI")
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, LibraryScreen)
        assert app.store.get(KEY).summary == "newer, from the CLI"
        assert not warnings(app)
        summary = app.screen.query_one("#detail-summary")
        assert "newer, from the CLI" in summary.source


def _editor_script(tmp_path, db, other_text: str, append: str) -> str:
    """A fake $EDITOR: while it runs, `readr note` in another process changes the summary."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-m', 'readr', '--db', {str(db)!r}, 'note', {KEY!r}, {other_text!r}],"
        " check=True, capture_output=True)\n"
        f"open(sys.argv[1], 'a', encoding='utf-8').write({append!r})\n"
    )
    runner = tmp_path / "editor.sh"
    runner.write_text(f'#!/bin/sh\nPYTHONPATH={str(ROOT)!r} exec {sys.executable!r} {str(script)!r} "$1"\n')
    runner.chmod(0o755)
    return str(runner)


def test_external_editor_keeps_the_draft_when_the_summary_changed_meanwhile(demo_db, tmp_path, monkeypatch):
    from readr.summaries import edit_summary_in_editor

    monkeypatch.setenv("EDITOR", _editor_script(tmp_path, demo_db, "from the CLI", "\n**from vim**"))
    with Store(demo_db) as lib:
        drafts = Drafts(lib.data_dir / "drafts")
        with pytest.raises(SummaryConflict, match="changed elsewhere.*kept as a draft") as refused:
            edit_summary_in_editor(lib, KEY)
        assert refused.value.draft == drafts.path_for(KEY)
        assert lib.get(KEY).summary == "from the CLI"
        assert drafts.load(KEY).endswith("\n**from vim**")


def test_cli_note_edit_refuses_and_says_where_the_text_is(cli, db_path, tmp_path, monkeypatch):
    build_sample_library(db_path, now=clock.now())
    monkeypatch.setenv("EDITOR", _editor_script(tmp_path, db_path, "from another terminal", "\n**my edit**"))
    result = cli("note", KEY, "--edit")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "changed elsewhere" in line and "nothing was saved" in line
    with Store(db_path) as lib:
        assert lib.get(KEY).summary == "from another terminal"
        kept = Drafts(lib.data_dir / "drafts").path_for(KEY)
    assert f"Your text is kept as a draft in {kept}" in line
    assert kept.read_text(encoding="utf-8").endswith("\n**my edit**")
    # What the message suggests works, and the kept draft is then done with.
    saved = cli("note", KEY, "--file", str(kept))
    assert saved.exit_code == 0, saved.output
    with Store(db_path) as lib:
        assert lib.get(KEY).summary.endswith("**my edit**")
    assert not kept.exists()


def test_cli_note_edit_opens_an_unsaved_draft_and_loses_neither_text(cli, db_path, tmp_path, monkeypatch):
    build_sample_library(db_path, now=clock.now())
    with Store(db_path) as lib:
        drafts = Drafts(lib.data_dir / "drafts")
        drafts.save(KEY, "a TUI draft, not saved yet")
    monkeypatch.setenv("EDITOR", _editor_script(tmp_path, db_path, "from another terminal", "\n**my edit**"))
    result = cli("note", KEY, "--edit")
    assert result.exit_code == 1
    opened, refused = result.stderr.strip().splitlines()
    assert opened == f"opening your unsaved draft of {KEY} in the editor"
    assert f"Your text is kept as a draft in {drafts.path_for(KEY)}" in refused
    # The editor was handed the draft: the kept text is the draft plus what was typed.
    assert drafts.load(KEY) == "a TUI draft, not saved yet\n\n**my edit**"
    assert drafts.keys() == [KEY]
    with Store(db_path) as lib:
        assert lib.get(KEY).summary == "from another terminal"


def test_cli_note_edit_unchanged_writes_nothing(cli, db_path, tmp_path, monkeypatch):
    build_sample_library(db_path, now=clock.now())
    monkeypatch.setenv("EDITOR", "true")
    with Store(db_path) as lib:
        before = lib.get(KEY)
    result = cli("note", KEY, "--edit")
    assert result.exit_code == 0 and "unchanged" in result.output
    with Store(db_path) as lib:
        assert lib.get(KEY).summary_updated_at == before.summary_updated_at


# --- 2. huge text ---------------------------------------------------------------------------------

HUGE_ABSTRACT = "2101.00001"
BOLD_SUMMARY = "2101.00002"
LONG_LIST = "2101.00003"


@pytest.fixture(scope="module")
def huge_db(tmp_path_factory):
    db = build_sample_library(tmp_path_factory.mktemp("huge") / "huge.db", now=clock.now())
    with Store(db) as lib:
        def add(arxiv_id, **fields):
            record = {"arxiv_id": arxiv_id, "version": 1, "title": fields.pop("title", arxiv_id),
                      "authors": ["A. Author"], "abstract": "short", "categories": ["cs.LG"],
                      "published": "2026-11-24T00:00:00+00:00", "updated": "2026-11-24T00:00:00+00:00"}
            record.update(fields)
            lib.upsert_arxiv(record)
            lib.set_status([arxiv_id], "to-read")

        add(HUGE_ABSTRACT, title="Ten megabytes of abstract", abstract="lorem ipsum dolor " * 600_000 + "THE END",
            authors=[f"Member {i} of the Collaboration" for i in range(5000)])
        add(BOLD_SUMMARY, title="A summary of 100k bold spans")
        lib.set_summary(BOLD_SUMMARY, " ".join(f"**b{i}**" for i in range(100_000)))
        add(LONG_LIST, title="A summary that is a list of 5000 points")
        lib.set_summary(LONG_LIST, "\n".join(f"- point **{i}**" for i in range(5000)))
    return db


async def press_round_trip(pilot, *keys: str) -> None:
    """Keys still work (no wall-clock limit here: benchmarks/ measures speed; what bounds the
    work is the capped text, asserted below)."""
    await pilot.press(*(keys or ("question_mark", "escape")))  # open and close the help screen


@pytest.mark.parametrize("key", [HUGE_ABSTRACT, BOLD_SUMMARY, LONG_LIST])
async def test_moving_onto_huge_text_keeps_the_app_responsive(huge_db, key):
    app = app_for(huge_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        papers = app.library.papers
        papers.move_cursor(list(papers.entries).index(app.store.get(key).id))
        await pilot.pause(0.1)  # the detail pane updates 40 ms after the cursor moved
        await press_round_trip(pilot)
        await settle(pilot, app)
        assert app.screen is app.library  # the help screen opened and closed
        detail = app.screen.query_one("#detail")
        assert detail.paper_key == key
        paper = app.store.get(key)
        abstract = str(app.screen.query_one("#detail-abstract").render())
        summary = app.screen.query_one("#detail-summary").source
        more = app.screen.query_one("#detail-summary-more")
        assert len(abstract) < MAX_FIELD_CHARS + 200 and len(summary) <= MAX_FIELD_CHARS
        if key == HUGE_ABSTRACT:
            assert abstract.startswith("lorem ipsum") and "THE END" not in abstract
            assert f"more characters; `readr show {key}` prints all)" in abstract
            meta = str(app.screen.query_one("#detail-meta").render())
            assert "Member 0 of the Collaboration" in meta and "more" in meta and len(meta) < 3000
        else:
            assert summary and paper.summary.startswith(summary)
            assert more.display and f"`readr show {key}` prints all" in str(more.render())
            omitted = int(str(more.render()).split("(", 1)[1].split(" ", 1)[0].replace(",", ""))
            assert omitted == len(paper.summary) - len(summary)
        if key == LONG_LIST:
            assert 20 <= summary.count("\n- ") + 1 <= 50  # blocks are bounded, not just characters
        # On to a paper of normal size: it renders in full again, without a note.
        await move_to(pilot, app, KEY)
        assert detail.paper_key == KEY
        assert not app.screen.query_one("#detail-summary-more").display
        assert app.screen.query_one("#detail-summary").source == app.store.get(KEY).summary


async def test_the_editor_preview_of_a_huge_summary_is_bounded(huge_db):
    app = app_for(huge_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot, app)
        editor = await open_editor(pilot, app, BOLD_SUMMARY)
        await pilot.pause(0.6)
        assert "not wrapped" in str(editor.query_one("#editor-status").render())
        await press_round_trip(pilot, "x", "backspace", "home", "end")
        assert app.screen is editor
        preview = editor.query_one("#editor-preview-md")
        assert editor.query_one("#editor-preview").display
        assert 0 < len(preview.source) <= MAX_FIELD_CHARS
        assert editor.query_one("#editor-preview-more").display
        assert editor.text == app.store.get(BOLD_SUMMARY).summary  # the editor has all of it
        assert not editor.query_one("#editor-text").soft_wrap  # too long to rewrap at every key


async def test_the_digest_preview_of_a_week_with_huge_summaries_is_bounded(huge_db, tmp_path):
    import shutil

    from readr.tui.digest_preview import MAX_PREVIEW_CHARS, DigestPreview

    db = tmp_path / "week.db"
    shutil.copy(huge_db, db)
    with Store(db) as lib:
        lib.set_status([BOLD_SUMMARY, LONG_LIST], "read", on=clock.now())
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        await settle(pilot, app)
        preview = app.screen
        assert isinstance(preview, DigestPreview)
        rendered = preview.query_one("#digest-md").source
        assert "b0" in rendered and "b99999" not in rendered  # the page starts, then is cut
        assert len(rendered) < MAX_PREVIEW_CHARS + 300
        assert "more characters of this page are not rendered here" in rendered
        source = preview.query_one("#digest-source")
        assert source.text == preview.markdown and "b99999" in source.text  # m shows all of it
        assert not source.soft_wrap
        await pilot.press("m")
        await settle(pilot, app)
        assert source.display and app.screen is preview


def test_excerpt_cuts_between_words_and_counts_what_it_left_out():
    assert excerpt("short") == ("short", 0)
    assert excerpt(None) == ("", 0)
    text = "word " * 10_000
    shown, omitted = excerpt(text, limit=1000)
    assert len(shown) <= 1000 and shown.endswith("word") and omitted == len(text) - len(shown)
    shown, omitted = excerpt("x" * 5000, limit=1000)  # no space to cut at
    assert shown == "x" * 1000 and omitted == 4000
    lines = "\n".join(f"line {i}" for i in range(300))
    shown, omitted = excerpt(lines, max_blocks=100)
    assert shown.count("\n") == 99 and omitted > 0
    items = "\n".join(f"- item {i}" for i in range(300))
    assert excerpt(items, max_blocks=100)[0].count("\n") == 49
    assert excerpt("a\x1b]52;c;x\x07b" + "c" * 50, limit=10)[0] == "a]52;c;x"  # cleaned too


# --- 3. drafts for long keys ----------------------------------------------------------------------

LONG_KEYS = ["x" * 300, "é" * 200, "web-" + "/" * 400, "a%" * 150, "k" * 5000, "hep-ex/" + "9" * 250]


@pytest.mark.parametrize("key", LONG_KEYS, ids=["ascii300", "utf8-200", "slashes", "percents", "5000", "old-style"])
def test_drafts_of_long_keys_have_bounded_file_names(tmp_path, key):
    drafts = Drafts(tmp_path / "drafts")
    path = drafts.save(key, f"draft of {key[:10]}")
    assert path.parent == tmp_path / "drafts" and len(path.name.encode()) <= MAX_NAME_BYTES
    assert drafts.load(key) == f"draft of {key[:10]}"
    assert drafts.keys() == [key]
    drafts.save(key, "second version")
    assert drafts.load(key) == "second version" and drafts.keys() == [key]
    other = key[:-1] + ("y" if key[-1] != "y" else "z")  # same prefix, another key
    drafts.save(other, "other")
    assert drafts.load(key) == "second version" and sorted(drafts.keys()) == sorted([key, other])
    drafts.discard(key)
    assert drafts.load(key) is None and drafts.keys() == [other]
    drafts.discard(other)
    assert list((tmp_path / "drafts").iterdir()) == []


def test_drafts_of_normal_keys_keep_their_file_names(tmp_path):
    drafts = Drafts(tmp_path / "drafts")
    assert drafts.path_for("0704.0002").name == "0704.0002.md"
    assert drafts.path_for("hep-ex/0406020").name == "hep-ex%2F0406020.md"
    assert drafts.path_for("web-0123456789").name == "web-0123456789.md"
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "hep-ex%2F0406020.md").write_text("written by an older readr", encoding="utf-8")
    assert drafts.load("hep-ex/0406020") == "written by an older readr"
    assert drafts.keys() == ["hep-ex/0406020"]


async def test_a_paper_with_a_long_key_gets_its_draft_autosaved_and_recovered(demo_db):
    long_key = "web-" + "long-key-" * 40
    conn = sqlite3.connect(demo_db)
    with conn:
        conn.execute("UPDATE papers SET key = ? WHERE key = ?", (long_key, KEY))
    conn.close()
    app = app_for(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        editor = await open_editor(pilot, app, long_key)
        await pilot.press(*" typed **before the crash**")
        await pilot.pause(0.5)  # > autosave interval
        typed = editor.text
        assert app.library.drafts.load(long_key) == typed
        assert "Could not save" not in str(editor.query_one("#editor-status").render())
    app = app_for(demo_db)  # the terminal was killed; a new session
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        notices = [n for n in notifications(app) if "Recovered drafts" in (n.title or "")]
        assert notices and long_key[:40] in notices[0].message
        editor = await open_editor(pilot, app, long_key)
        assert editor.text == typed
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.store.get(long_key).takeaways[-1] == "before the crash"
        assert app.library.drafts.load(long_key) is None and app.library.drafts.keys() == []
        assert os.listdir(app.store.data_dir / "drafts") == []
