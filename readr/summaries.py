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
from pathlib import Path
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


# A summary edited on two machines (readr sync) opens with both texts between git's conflict
# markers, which editors recognise; saving without the marker lines settles it.
CONFLICT_START = "<<<<<<< this machine's summary (keep what you want of both texts, delete the marker lines)"
CONFLICT_SPLIT = "======="
CONFLICT_END = ">>>>>>> the other machine's summary"


def conflict_text(this: str, other: str) -> str:
    """Both texts of a summary edited on two machines, between conflict markers."""
    return "\n".join([CONFLICT_START, this.rstrip("\n"), CONFLICT_SPLIT, other.rstrip("\n"), CONFLICT_END]) + "\n"


def has_conflict_markers(text: str) -> bool:
    return any(line.startswith(CONFLICT_START[:30]) or line.startswith(CONFLICT_END)
               for line in text.splitlines())


def conflict_editor_text(this: str, other: str, draft: str | None) -> str:
    """What an editor opens for a conflicted summary: an unsaved draft that still has the
    markers as it is, else both texts (this machine's: the draft when there is one)."""
    if draft is not None and has_conflict_markers(draft):
        return draft
    return conflict_text(draft if draft is not None else this, other)


def markers_left(key: str) -> str:
    return (f"the conflict markers are still in the summary of {key}: keep what you want of both texts "
            "and delete the three marker lines (<<<<<<<, =======, >>>>>>>)")


def resolve_conflict(store: Store, paper_key: str, keep: str) -> Paper:
    """Settle a summary edited on two machines without an editor: keep "this" machine's text
    or the "other" one. ReadrError when the paper has no such conflict."""
    if keep not in ("this", "other"):
        raise ReadrError(f"keep 'this' machine's text or the 'other' one, not {keep!r}")
    paper = store.get(paper_key)
    other = store.summary_conflict(paper.key)
    if other is None:
        raise ReadrError(f"the summary of {paper.key} has no second text to resolve")
    store.settle_summary_conflict(paper.key, paper.summary if keep == "this" else other, paper.summary, other)
    return store.get(paper.key)


def _run_editor(drafts: Drafts, key: str, handed: str, earlier_draft: str | None) -> tuple[str | None, Path]:
    """Hand `handed` to the editor in the paper's draft file; (the text saved, or None when the
    editor removed the file; the draft's path). ReadrError when the editor is missing or fails."""
    path = drafts.save(key, handed)
    command = editor_command()
    try:
        returncode = subprocess.run([*command, str(path)]).returncode
    except FileNotFoundError:
        returncode = None
    if returncode != 0:
        if earlier_draft is None and drafts.load(key) == handed:
            drafts.discard(key)  # the editor wrote nothing: no draft to keep
            kept = "nothing was saved"
        else:
            kept = f"nothing was saved; the text is kept as a draft in {path}"
        if returncode is None:
            raise ReadrError(f"editor {command[0] if command else ''!r} not found ({kept}); set $EDITOR")
        raise ReadrError(f"the editor exited with status {returncode}; {kept}")
    text = drafts.load(key)
    return (None if text is None else from_editor(text)), path


def edit_summary_in_editor(store: Store, paper_key: str) -> Paper | None:
    """Run the editor on the paper's draft (the terminal must be free) and save the result as
    its summary. Returns the saved paper, or None when the text is the stored summary (nothing
    is written, so an old copy never goes over a newer one).

    A summary edited on two machines (readr sync) opens with both texts between conflict
    markers; what the reader saves, without the markers, becomes the summary and settles it.

    Raises ReadrError when the editor is missing or fails (or conflict markers are left), and
    SummaryConflict (`.draft` holds the text) when the summary changed elsewhere while the editor ran.
    """
    drafts = Drafts.of_library(store)
    paper = store.get(paper_key)
    base = paper.summary
    earlier_draft = drafts.load(paper.key)
    other = store.summary_conflict(paper.key)
    if other is not None:
        return _resolve_in_editor(store, drafts, paper, other, earlier_draft)
    handed = for_editor(earlier_draft if earlier_draft is not None else base)
    text, path = _run_editor(drafts, paper.key, handed, earlier_draft)
    if text is None:
        return None  # the editor removed the file
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


def _resolve_in_editor(
    store: Store, drafts: Drafts, paper: Paper, other: str, earlier_draft: str | None
) -> Paper | None:
    handed = conflict_editor_text(paper.summary, other, earlier_draft)
    text, path = _run_editor(drafts, paper.key, handed, earlier_draft)
    if text is None:
        return None  # the editor removed the file: nothing settled
    if has_conflict_markers(text):
        raise ReadrError(f"{markers_left(paper.key)}; nothing was saved, your text is kept as a draft in {path}")
    try:
        store.settle_summary_conflict(paper.key, text, paper.summary, other)
    except SummaryConflict as conflict:
        raise SummaryConflict(f"{conflict}. Your text is kept as a draft in {path}", current=conflict.current,
                              draft=path) from None
    drafts.discard(paper.key)
    return store.get(paper.key)


def drop_draft_if_saved(store: Store, paper: Paper) -> None:
    """A draft whose text is now the stored summary (`readr note --file` on a kept draft) is done."""
    drafts = Drafts.of_library(store)
    draft = drafts.load(paper.key)
    if draft is not None and same_summary(draft, paper.summary):
        drafts.discard(paper.key)
