"""The command palette (ctrl+p): every action of the library screen by name, plus one entry per
view, per tag view and per status."""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..sanitize import clean_line
from .keys import APP_BINDINGS, LIST_BINDINGS, MAIN_BINDINGS, display_keys, keys_for

# Longer names for the palette than the footer has room for.
PALETTE_NAMES = {
    "search": "Search the library",
    "add": "Add papers from arXiv (ids, URLs or a query)",
    "edit": "Edit the summary",
    "edit-external": "Edit the summary in $EDITOR",
    "edit-metadata": "Fix the title, authors or year",
    "tag": "Tag the selected papers",
    "mark-read": "Mark read",
    "mark-reading": "Mark as reading",
    "mark-to-read": "Keep to read",
    "dismiss": "Dismiss",
    "mark-inbox": "Move back to the inbox",
    "delete": "Delete from the library",
    "undo": "Undo the last change",
    "digest-preview": "Preview the digest (of the read paper's week, else this week)",
    "fetch-pdf": "Download the PDF, index its text",
    "open-link": "Open the PDF (else the web page)",
    "open-web": "Open the web page in the browser",
    "copy-link": "Copy the paper's link",
    "zoom": "Show details full screen",
    "view-all": "View: All",
    "view-inbox": "View: Inbox",
    "view-to-read": "View: To read",
    "view-reading": "View: Reading",
    "view-read": "View: Read (by week)",
    "view-dismissed": "View: Dismissed",
    "view-catalogue": "View: Catalogue (every paper, bulk imports included)",
    "view-tag": "View: papers with a tag…",
    "next-view": "Next view",
    "previous-view": "Previous view",
    "clear": "Clear the search / selection",
    "select": "Select / unselect the paper and move down",
    "select-all": "Select every paper of the view (esc clears)",
    "cursor-first": "Go to the first paper",
    "cursor-last": "Go to the last paper",
    "quit": "Quit readr",
    "digest-previous-week": "Previous week (month on a month page)",
    "digest-next-week": "Next week (month on a month page)",
    "digest-go-to": "Go to a date's week or a month: 2022-03-14, 2022-03, last, today",
    "digest-raw": "Markdown source",
    "digest-all": "Include papers read without a summary (export --all)",
    "help": "Help: every key binding",
    "theme": "Theme (saved in config.toml)",
}


def palette_commands(app) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) for everything the palette offers."""
    from .app import LibraryScreen

    try:
        screen = app.library
    except LookupError:
        return []
    keymap = app.config.keymap
    commands: list[tuple[str, str, Callable[[], object]]] = []
    for binding in [*MAIN_BINDINGS, *LIST_BINDINGS]:
        if binding.id in ("clear",) or binding.id not in PALETTE_NAMES:
            continue
        target = screen.papers if binding in LIST_BINDINGS else screen
        commands.append(
            (PALETTE_NAMES[binding.id], f"key: {display_keys(keys_for(binding, keymap))}",
             partial(target.run_action, binding.action))
        )
    for binding in APP_BINDINGS:
        if binding.id == "theme":
            continue  # Textual's own "Theme" command is the same picker
        commands.append(
            (PALETTE_NAMES.get(binding.id or "", binding.description),
             f"key: {display_keys(keys_for(binding, keymap))}", partial(app.run_action, binding.action))
        )
    if screen.pdf_downloads_running():
        commands.append(("Stop the PDF downloads", "after the current paper", screen.stop_pdf_downloads))
    for name, count in screen.store.tags_with_counts():
        label = clean_line(name)
        commands.append((f"View: #{label}", f"{count} papers", partial(screen.action_view, "tag:" + name)))
    assert isinstance(screen, LibraryScreen)
    return commands


class ReadrCommands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in palette_commands(self.app):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)

    async def discover(self) -> Hits:
        for name, help_text, callback in palette_commands(self.app):
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)
