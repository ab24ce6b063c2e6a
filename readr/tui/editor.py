"""The summary editor: a Markdown TextArea with a live preview, autosaving a draft every second.

A draft file is written (atomically, fsync'd) whenever the text changed since the last save, so
a `kill -9` of the terminal loses at most the last `autosave_seconds`. Esc or ctrl+s store the
summary in the library and remove the draft; reopening a paper with a draft restores it.
`$EDITOR` is the alternative (E in the list: readr.summaries.edit_summary_in_editor).

No lost summaries: a save only replaces the summary the editor opened with. If `readr note` or
another window changed it meanwhile, the save is refused (SummaryConflict), the reader's text
stays in the editor and in the draft file, and a notice says so: saving again replaces the other
version (the one the notice was about, not a yet newer one), ctrl+r loads it (ctrl+z undoes).

A summary edited on two machines (readr sync) opens with both texts between conflict markers
(readr.summaries.conflict_text); saving without the marker lines makes the text the summary and
settles the conflict, in one write.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static, TextArea

from ..clock import clock
from ..drafts import Drafts
from ..errors import SummaryConflict
from ..sanitize import clean_line, clean_text
from ..summaries import conflict_editor_text, conflict_text, has_conflict_markers, markers_left
from ..takeaways import extract_takeaways
from .detail import MAX_FIELD_CHARS, MAX_SUMMARY_BLOCKS, excerpt
from .failures import write_or_notify
from .keys import EDITOR_BINDINGS, key_of


# Soft-wrapping costs the TextArea time in proportion to the whole text at every keystroke
# (a 700k-character summary: 3 s a key, measured). Longer summaries are edited unwrapped.
SOFT_WRAP_LIMIT = 100_000


class SummaryEditor(Screen):
    """Edit one paper's summary. Dismisses with True when the summary was saved."""

    CSS_PATH = "editor.tcss"  # loaded when the screen first opens, not at start-up

    BINDINGS = [*EDITOR_BINDINGS]

    def __init__(self, store, paper_key: str, drafts: Drafts, autosave_seconds: float = 1.0):
        super().__init__()
        self.store = store
        self.paper = store.get(paper_key)
        self.drafts = drafts
        self.autosave_seconds = max(0.2, autosave_seconds)
        draft = drafts.load(self.paper.key)
        self.recovered = draft is not None and draft != self.paper.summary
        self.initial = draft if draft is not None else self.paper.summary
        self._had_draft = draft is not None
        self._last_draft = draft if draft is not None else self.paper.summary
        # The other machine's text of a summary edited on two machines: both are edited together.
        self.other = store.summary_conflict(self.paper.key)
        if self.other is not None:
            self.initial = conflict_editor_text(self.paper.summary, self.other, draft)
            self._last_draft = self.initial  # a draft is written once the reader changes something
        self._preview_stale = True
        # The stored summary this editor's text replaces: what it opened with, or after a
        # conflict the version the reader was told about.
        self.base = self.paper.summary
        self.conflict = False
        self.refused = False  # the library refused the last save (read-only, locked, full disk)
        self._leave_unsaved: str | None = None  # the text the next Esc may leave unsaved

    def compose(self) -> ComposeResult:
        title = clean_line(self.paper.title) or self.paper.key
        yield Static(
            Content.assemble(("Summary of ", "dim"), (title, "bold"), ("  (**bold** marks a takeaway)", "dim")),
            id="editor-title",
        )
        with Horizontal(id="editor-body"):
            area = TextArea(self.initial, id="editor-text", soft_wrap=len(self.initial) <= SOFT_WRAP_LIMIT,
                            show_line_numbers=False, tab_behavior="indent")
            try:
                area.language = "markdown"
            except Exception:  # no tree-sitter grammar installed: plain text is fine
                pass
            yield area
            with Vertical(id="editor-preview"):
                yield Markdown("", id="editor-preview-md", open_links=False)
                yield Static(Content(""), id="editor-preview-more")
        yield Static(Content(""), id="editor-status")
        yield Footer()

    def on_mount(self) -> None:
        text = self.query_one("#editor-text", TextArea)
        text.focus()
        text.move_cursor(text.document.end)
        preview = self.query_one("#editor-preview")
        preview.display = self.app.size.width >= 110
        self.query_one("#editor-preview-more").display = False
        self._refresh_preview()
        self.set_interval(self.autosave_seconds, self.autosave)
        self.set_interval(0.5, self._refresh_preview)
        if self.other is not None:
            self._status(f"Edited on two machines: both texts are here between conflict markers. Keep what you "
                         f"want, delete the three marker lines; {self._key('editor-close', True)} saves & settles it.")
            self.notify("This summary was edited on two machines: both texts are in the editor.",
                        title="Two versions", severity="warning")
        elif self.recovered:
            self._status(f"Recovered an unsaved draft. {self._key('editor-close', True)} saves it; "
                         f"{self._key('editor-revert')} goes back to the stored summary.")
            self.notify("Recovered an unsaved draft of this summary.", title="Draft")
        elif not text.soft_wrap:
            self._status(f"A long summary ({len(self.initial):,} characters): lines are not wrapped here. "
                         f"{self._key('editor-close', True)} saves & closes; "
                         f"{self._key('edit-external')} in the list edits it in $EDITOR.")
        else:
            self._status(f"Autosaving a draft every second. {self._key('editor-close', True)} saves & closes, "
                         f"{self._key('editor-preview')} preview.")

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
            # Bounded like the detail pane: a huge summary must not stall typing.
            text, omitted = excerpt(self.text, MAX_FIELD_CHARS, MAX_SUMMARY_BLOCKS)
            self.query_one("#editor-preview-md", Markdown).update(text)
            more = self.query_one("#editor-preview-more", Static)
            more.update(Content.styled(f"… (the preview stops here; {omitted:,} more characters)", "dim italic")
                        if omitted else Content(""))
            more.display = bool(omitted)

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
            f"Draft saved at {clock.now():%H:%M:%S} · {count} takeaway{'s' if count != 1 else ''}"
            f" · {self._key('editor-close', True)} saves the summary & closes, {self._key('editor-preview')} preview"
        )
        return True

    def _key(self, binding_id: str, capitalized: bool = False) -> str:
        return key_of(self.app, binding_id, capitalized=capitalized)

    def save(self) -> bool:
        """Store the text as the summary, unless the stored one is no longer `self.base`:
        then SummaryConflict, with the text kept in the editor and the draft file. False when
        the text is the summary the editor started from: nothing is written (so an editor left
        open untouched never puts an old summary back over a newer one)."""
        text = self.text
        if self.other is None and clean_text(text).strip() == clean_text(self.base).strip():
            self.drafts.discard(self.paper.key)
            self._last_draft = text
            return False
        self.autosave()
        try:
            if self.other is not None:
                self.store.settle_summary_conflict(self.paper.key, text, self.base, self.other)
            else:
                self.store.set_summary(self.paper.key, text, expected=self.base)
        except SummaryConflict as conflict:
            if conflict.current != clean_text(text).strip():
                self._on_conflict(conflict.current)
                raise
            # Someone else saved exactly this text: nothing is lost, nothing to ask.
        self.drafts.discard(self.paper.key)
        self._last_draft = text
        self.paper = self.store.get(self.paper.key)
        self.base = self.paper.summary
        self.conflict = False
        self.other = None
        return True

    def _on_conflict(self, current: str) -> None:
        # The next save replaces exactly the version the reader is told about now.
        self.base = current
        self.conflict = True
        if self.other is not None:
            self.other = self.store.summary_conflict(self.paper.key)
        save, close, revert = self._key("editor-save"), self._key("editor-close"), self._key("editor-revert")
        self.notify(
            "The summary was changed elsewhere (readr note or another window) while you edited it. "
            f"Nothing was saved; your text is kept here and as a draft. {save} or {close} again replaces "
            f"the other version with yours; {revert} shows the other version (ctrl+z brings yours back).",
            title="Summary changed elsewhere", severity="warning", timeout=20,
        )
        self._status(f"Changed elsewhere: {save}/{close} again overwrites it with your text · {revert} shows it")

    def _save_or_notify(self) -> bool | None:
        """save(), with a refused write as a notice: None when nothing was stored."""
        self.autosave()
        close = self._key("editor-close")
        if self._draft_holds_text():
            advice = (f"Your text is kept here and as a draft: {close} again closes the editor, "
                      f"{self._key('edit')} reopens the draft.")
        else:
            advice = (f"The draft could not be written either: copy your text; {close} again closes the editor "
                      "without it.")
        with write_or_notify(self.app, "Summary not saved", advice) as attempt:
            try:
                return self.save()
            except SummaryConflict:
                return None  # _on_conflict told the reader
        if attempt.failed:
            self.refused = True
            # With nowhere to keep the text, the next Esc (text unchanged) leaves without it.
            self._leave_unsaved = None if self._draft_holds_text() else self.text
            self._status("Not saved (see the notice). " + advice)
        return None

    def _draft_holds_text(self) -> bool:
        return self._last_draft == self.text and self.drafts.load(self.paper.key) == self.text

    def _markers_left(self) -> bool:
        """Both texts of a conflicted summary still between their markers: nothing to save yet."""
        if self.other is None or not has_conflict_markers(self.text):
            return False
        self.autosave()
        close = self._key("editor-close")
        why = markers_left(self.paper.key)
        self.notify(f"{why[0].upper()}{why[1:]}. Your text is kept as a draft; {close} again closes without saving.",
                    title="Not saved yet", severity="warning", timeout=10)
        self._status(f"Delete the conflict marker lines, then {close} saves · {close} again closes without saving")
        return True

    def action_save(self) -> None:
        if self._markers_left():
            return
        saved = self._save_or_notify()
        if saved is None:
            return
        if not saved:
            self._status("Nothing to save: the text is the summary you started from.")
            return
        count = len(self.paper.takeaways)
        self._status(f"Saved. {count} takeaway{'s' if count != 1 else ''}.")

    def action_close(self) -> None:
        if self.other is not None and has_conflict_markers(self.text):
            if self.text == self.initial and not self._had_draft:
                self.drafts.discard(self.paper.key)  # opened and left untouched: nothing to keep
                self.dismiss(False)
            elif self._leave_unsaved == self.text:
                self.dismiss(False)
            elif self._markers_left():
                self._leave_unsaved = self.text
            return
        if self.refused and self._draft_holds_text():
            # The library refused the last save and the draft has every keystroke: leave.
            self.notify(f"Closed without saving: your text is kept as a draft; {self._key('edit')} on the paper "
                        "reopens it.",
                        title="Summary not saved", severity="warning", timeout=10)
            self.dismiss(False)
            return
        if self.refused and self._leave_unsaved == self.text:
            self.notify("Closed without saving: neither the library nor the draft folder could be written.",
                        title="Summary not saved", severity="warning", timeout=10)
            self.dismiss(False)
            return
        saved = self._save_or_notify()
        if saved is None:
            return  # the editor stays open with the reader's text
        self.dismiss(saved)

    def action_toggle_preview(self) -> None:
        preview = self.query_one("#editor-preview")
        preview.display = not preview.display
        self._preview_stale = True
        self._refresh_preview()

    def action_revert(self) -> None:
        """Load the stored summary, as an edit: ctrl+z brings the reader's text back."""
        area = self.query_one("#editor-text", TextArea)
        stored = self.store.get(self.paper.key).summary
        self.other = self.store.summary_conflict(self.paper.key)
        area.replace(stored if self.other is None else conflict_text(stored, self.other),
                     area.document.start, area.document.end)
        self.base = stored
        self.conflict = False
        self._status(
            "Back to the stored summary; ctrl+z brings your text back (the draft follows at the next autosave)."
        )
