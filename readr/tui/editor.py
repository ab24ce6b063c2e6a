"""The summary editor: a Markdown TextArea with a live preview, autosaving a draft every second.

A draft file is written (atomically, fsync'd) whenever the text changed since the last save, so
a `kill -9` of the terminal loses at most the last `autosave_seconds`. Esc or ctrl+s store the
summary in the library and remove the draft; reopening a paper with a draft restores it.
`$EDITOR` is the alternative (see `edit_with_external_editor`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static, TextArea

from ..errors import ReadrError
from ..sanitize import clean_line, clean_text
from ..takeaways import extract_takeaways
from .drafts import Drafts
from .keys import EDITOR_BINDINGS


class SummaryEditor(Screen):
    """Edit one paper's summary. Dismisses with True when the summary was saved."""

    BINDINGS = EDITOR_BINDINGS

    def __init__(self, store, paper_key: str, drafts: Drafts, autosave_seconds: float = 1.0):
        super().__init__()
        self.store = store
        self.paper = store.get(paper_key)
        self.drafts = drafts
        self.autosave_seconds = max(0.2, autosave_seconds)
        draft = drafts.load(self.paper.key)
        self.recovered = draft is not None and draft != self.paper.summary
        self.initial = draft if draft is not None else self.paper.summary
        self._last_draft = draft if draft is not None else self.paper.summary
        self._preview_stale = True

    def compose(self) -> ComposeResult:
        title = clean_line(self.paper.title) or self.paper.key
        yield Static(
            Content.assemble(("Summary of ", "dim"), (title, "bold"), ("  (**bold** marks a takeaway)", "dim")),
            id="editor-title",
        )
        with Horizontal(id="editor-body"):
            area = TextArea(self.initial, id="editor-text", soft_wrap=True, show_line_numbers=False, tab_behavior="indent")
            try:
                area.language = "markdown"
            except Exception:  # no tree-sitter grammar installed: plain text is fine
                pass
            yield area
            with Vertical(id="editor-preview"):
                yield Markdown(self.initial, id="editor-preview-md", open_links=False)
        yield Static(Content(""), id="editor-status")
        yield Footer()

    def on_mount(self) -> None:
        text = self.query_one("#editor-text", TextArea)
        text.focus()
        text.move_cursor(text.document.end)
        preview = self.query_one("#editor-preview")
        preview.display = self.app.size.width >= 110
        self.set_interval(self.autosave_seconds, self.autosave)
        self.set_interval(0.5, self._refresh_preview)
        if self.recovered:
            self._status("Recovered an unsaved draft. Esc saves it; ctrl+r goes back to the stored summary.")
            self.notify("Recovered an unsaved draft of this summary.", title="Draft")
        else:
            self._status("Autosaving a draft every second. Esc saves & closes, ctrl+o preview.")

    @property
    def text(self) -> str:
        return self.query_one("#editor-text", TextArea).text

    def _status(self, message: str) -> None:
        self.query_one("#editor-status", Static).update(Content(message))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._preview_stale = True

    def _refresh_preview(self) -> None:
        preview = self.query_one("#editor-preview")
        if self._preview_stale and preview.display:
            self._preview_stale = False
            self.query_one("#editor-preview-md", Markdown).update(clean_text(self.text))

    def on_unmount(self) -> None:
        # Quitting with the editor open (ctrl+q, a hangup): keep the last keystrokes as a draft.
        try:
            self.autosave()
        except Exception:
            pass

    def autosave(self) -> bool:
        """Write the draft if the text changed since the last write."""
        text = self.text
        if text == self._last_draft:
            return False
        try:
            self.drafts.save(self.paper.key, text)
        except OSError as exc:
            self._status(f"Could not save the draft: {exc}")
            return False
        self._last_draft = text
        count = len(extract_takeaways(text))
        self._status(
            f"Draft saved at {datetime.now():%H:%M:%S} · {count} takeaway{'s' if count != 1 else ''}"
            " · Esc saves the summary & closes, ctrl+o preview"
        )
        return True

    def save(self) -> None:
        text = self.text
        self.autosave()
        self.store.set_summary(self.paper.key, text)
        self.drafts.discard(self.paper.key)
        self._last_draft = text
        self.paper = self.store.get(self.paper.key)

    def action_save(self) -> None:
        try:
            self.save()
        except ReadrError as exc:
            self.notify(str(exc), severity="error")
            return
        count = len(self.paper.takeaways)
        self._status(f"Saved. {count} takeaway{'s' if count != 1 else ''}.")

    def action_close(self) -> None:
        try:
            self.save()
        except ReadrError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(True)

    def action_toggle_preview(self) -> None:
        preview = self.query_one("#editor-preview")
        preview.display = not preview.display
        self._preview_stale = True
        self._refresh_preview()

    def action_revert(self) -> None:
        area = self.query_one("#editor-text", TextArea)
        area.load_text(self.store.get(self.paper.key).summary)
        self._status("Back to the stored summary (the draft is overwritten at the next autosave).")


def external_editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


def edit_with_external_editor(store, paper_key: str, drafts: Drafts) -> str | None:
    """Run $VISUAL/$EDITOR on the paper's draft file (the terminal must be free: call inside
    App.suspend()). Saves the result as the summary and returns it; None if the editor failed.

    The file lives in the drafts folder, so what the editor wrote survives a crash like any draft.
    """
    paper = store.get(paper_key)
    existing = drafts.load(paper.key)
    path = drafts.save(paper.key, existing if existing is not None else paper.summary)
    command = external_editor_command()
    try:
        result = subprocess.run([*command, str(path)])
    except FileNotFoundError:
        raise ReadrError(f"editor {command[0] if command else ''!r} not found; set $EDITOR") from None
    if result.returncode != 0:
        raise ReadrError(f"the editor exited with status {result.returncode}; the draft is kept")
    text = drafts.load(paper.key)
    if text is None:
        return None
    store.set_summary(paper.key, text)
    drafts.discard(paper.key)
    return text
