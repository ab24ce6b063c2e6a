"""Writing a summary in $EDITOR is one core use case (readr.summaries.edit_summary_in_editor):
`readr note --edit` and `E` in the TUI both run it, so they behave alike."""

from __future__ import annotations

import contextlib
import sys

import pytest

import readr.summaries
from readr.clock import clock
from readr.sample import build_sample_library
from readr.store import Store

pytest.importorskip("textual")

from tests.tui_support import app_for, notifications, settle, wait_until  # noqa: E402


@pytest.fixture
def sample_db(tmp_path):
    return build_sample_library(tmp_path / "demo.db", now=clock.now())


@pytest.fixture
def appending_editor(tmp_path, monkeypatch):
    script = tmp_path / "editor.py"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'a').write('\\n**Added in the editor.**')\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)


@pytest.fixture
def core_calls(monkeypatch):
    """The papers the core use case was run for (it still runs)."""
    calls: list[str] = []
    real = readr.summaries.edit_summary_in_editor

    def recording(store, paper_key):
        calls.append(paper_key)
        return real(store, paper_key)

    monkeypatch.setattr(readr.summaries, "edit_summary_in_editor", recording)
    return calls


def test_cli_note_edit_runs_the_core_use_case(cli, db_path, appending_editor, core_calls):
    build_sample_library(db_path, now=clock.now())
    result = cli("note", "0704.0002", "--edit")
    assert result.exit_code == 0, result.output
    assert core_calls == ["0704.0002"]
    with Store(db_path) as lib:
        assert lib.get("0704.0002").takeaways[-1] == "Added in the editor."


async def test_tui_external_editor_runs_the_core_use_case(sample_db, appending_editor, core_calls):
    app = app_for(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        # A headless test terminal cannot be handed over; the real one is (App.suspend).
        app.suspend = contextlib.nullcontext
        key = app.screen.current_paper().key
        await pilot.press("E")
        await wait_until(pilot, lambda: any(n.message == "Summary saved." for n in notifications(app)))
        assert core_calls == [key]
        assert app.store.get(key).takeaways[-1] == "Added in the editor."
