"""The command palette (ctrl+p): every action of the library screen by name, plus one entry per
view, per tag view and per status."""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..sanitize import clean_line
from .keys import (
    APP_BINDINGS, COPY_BINDINGS, LIST_BINDINGS, MAIN_BINDINGS, display_keys, key_of, keys_for, palette_name,
)


def palette_commands(app) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) for everything the palette offers."""
    try:
        screen = app.library
    except LookupError:
        return []
    keymap = app.config.keymap
    commands: list[tuple[str, str, Callable[[], object]]] = []
    for binding in [*MAIN_BINDINGS, *LIST_BINDINGS]:
        if binding.id == "clear" or not binding.tooltip:
            continue  # esc is not worth a palette entry; bindings without a long name are movements
        target = screen.papers if binding in LIST_BINDINGS else screen
        commands.append(
            (palette_name(binding), f"key: {display_keys(keys_for(binding, keymap))}",
             partial(target.run_action, binding.action))
        )
    copy_key = key_of(app, "copy")
    for binding in COPY_BINDINGS:
        if binding.id == "copy-cancel":
            continue
        kind = str(binding.action).split("'")[1]
        commands.append(
            (palette_name(binding), f"key: {copy_key} then {display_keys(keys_for(binding, keymap))}",
             partial(screen.run_action, f"copy('{kind}')"))
        )
    for binding in APP_BINDINGS:
        if binding.id == "theme":
            continue  # Textual's own "Theme" command is the same picker
        commands.append(
            (palette_name(binding),
             f"key: {display_keys(keys_for(binding, keymap))}", partial(app.run_action, binding.action))
        )
    if screen.pdfs.running:
        commands.append(("Stop the PDF downloads", "after the current paper", screen.stop_pdf_downloads))
    for name, count in screen.store.tags_with_counts():
        label = clean_line(name)
        commands.append((f"View: #{label}", f"{count} papers", partial(screen.action_view, "tag:" + name)))
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
