"""Writing a paper's summary in $VISUAL/$EDITOR: one use case behind `readr note --edit` and `E`
in the TUI (which only hands the terminal over around it).

The editor edits the paper's draft file (readr.drafts), so what it wrote survives a crash like
any draft, and an unsaved draft (the TUI's autosave, an edit refused earlier) is what it opens.
The editor may run for hours: the save only replaces the summary it started from, otherwise the
text stays in the draft and SummaryConflict says where.

Text files end with a newline: without one, an editor or a script that appends a line
(`echo ... >> FILE`) glues it onto the summary's last line. The newline is added on the way out
and the single trailing newline taken off on the way back in, so a summary does not grow by a
line on every round trip.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TYPE_CHECKING

from .drafts import Drafts
from .errors import ReadrError, SummaryConflict
from .sanitize import clean_text

if TYPE_CHECKING:
    from .store import Paper, Store


def for_editor(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def from_editor(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi, split like a shell would (no shell runs it)."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def same_summary(text: str, stored: str) -> bool:
    """Whether saving `text` would store `stored` again (the store cleans and strips)."""
    return clean_text(text).strip() == clean_text(stored).strip()


def edit_summary_in_editor(store: Store, paper_key: str) -> Paper | None:
    """Run the editor on the paper's draft (the terminal must be free) and save the result as
    its summary. Returns the saved paper, or None when the text is the stored summary (nothing
    is written, so an old copy never goes over a newer one).

    Raises ReadrError when the editor is missing or fails, and SummaryConflict (`.draft` holds
    the text) when the summary changed elsewhere while the editor ran.
    """
    drafts = Drafts.of_library(store)
    paper = store.get(paper_key)
    base = paper.summary
    earlier_draft = drafts.load(paper.key)
    handed = for_editor(earlier_draft if earlier_draft is not None else base)
    path = drafts.save(paper.key, handed)
    command = editor_command()
    try:
        returncode = subprocess.run([*command, str(path)]).returncode
    except FileNotFoundError:
        returncode = None
    if returncode != 0:
        if earlier_draft is None and drafts.load(paper.key) == handed:
            drafts.discard(paper.key)  # the editor wrote nothing: no draft to keep
            kept = "nothing was saved"
        else:
            kept = f"nothing was saved; the text is kept as a draft in {path}"
        if returncode is None:
            raise ReadrError(f"editor {command[0] if command else ''!r} not found ({kept}); set $EDITOR")
        raise ReadrError(f"the editor exited with status {returncode}; {kept}")
    text = drafts.load(paper.key)
    if text is None:
        return None  # the editor removed the file
    text = from_editor(text)
    if same_summary(text, base):
        drafts.discard(paper.key)
        return None
    try:
        saved = store.set_summary(paper.key, text, expected=base)
    except SummaryConflict as conflict:
        if conflict.current != clean_text(text).strip():
            raise SummaryConflict(
                f"the summary of {paper.key} was changed elsewhere while you edited it; nothing was saved. "
                f"Your text is kept as a draft in {path}",
                current=conflict.current,
                draft=path,
            ) from None
        saved = store.get(paper.key)  # someone else saved exactly this text: nothing is lost
    drafts.discard(paper.key)
    return saved


def drop_draft_if_saved(store: Store, paper: Paper) -> None:
    """A draft whose text is now the stored summary (`readr note --file` on a kept draft) is done."""
    drafts = Drafts.of_library(store)
    draft = drafts.load(paper.key)
    if draft is not None and same_summary(draft, paper.summary):
        drafts.discard(paper.key)
