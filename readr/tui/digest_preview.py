"""The digest preview: the week's Read view as the Markdown `readr export` writes, rendered or raw.

The page comes from `readr.digest.export.render_week` (the exporter itself), so what you see is
exactly what would be published.
"""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static, TextArea

from ..clock import clock
from ..errors import ReadrError
from ..sanitize import clean_line
from ..weeks import week_bounds
from .detail import excerpt
from .editor import SOFT_WRAP_LIMIT
from .keys import DIGEST_BINDINGS

# Textual's Markdown costs ~4-11 ms a block: a page longer than this is rendered up to here,
# with a note (the Markdown source, m, always has all of it; so does the export).
MAX_PREVIEW_CHARS = 60_000
MAX_PREVIEW_BLOCKS = 200


def render_digest(store, day: date, week_start: int, include_unsummarized: bool) -> tuple[str, int, int]:
    """(markdown, entries shown, papers read that week) for the week containing `day`."""
    from ..digest.export import render_week

    text, week = render_week(store, day, week_start=week_start, include_unsummarized=include_unsummarized)
    first, last = week_bounds(day, week_start)
    read = len(store.read_between(first, last))
    return text, len(week.entries), read


class DigestPreview(Screen):
    CSS_PATH = "digest.tcss"  # loaded when the screen first opens, not at start-up
    BINDINGS = DIGEST_BINDINGS

    def __init__(self, store, config):
        super().__init__()
        self.store = store
        self.config = config
        self.day = clock.today()
        self.raw = False
        self.include_unsummarized = False
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="digest-title")
        with VerticalScroll(id="digest-rendered"):
            yield Markdown("", id="digest-md", open_links=False)
        yield TextArea("", id="digest-source", read_only=True, soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#digest-source").display = False
        self.refresh_page()
        self.query_one("#digest-rendered").focus()

    def refresh_page(self) -> None:
        first, last = week_bounds(self.day, self.config.week_start)
        try:
            text, shown, read = render_digest(self.store, self.day, self.config.week_start, self.include_unsummarized)
        except (ReadrError, AttributeError, ImportError) as exc:
            self.markdown = ""
            self.query_one("#digest-title", Static).update(
                Content.styled(f"The digest cannot be rendered: {clean_line(str(exc))}", "$error")
            )
            return
        self.markdown = text
        this = " (this week)" if first <= clock.today() <= last else ""
        left_out = read - shown
        note = ""
        if left_out > 0:
            note = f" · {left_out} read without a summary left out (a includes them)"
        if read == 0:
            note = " · nothing read this week yet"
        title = (
            f"Digest for the week {first.isoformat()} – {last.isoformat()}{this} · "
            f"{shown} entr{'y' if shown == 1 else 'ies'}{note}"
        )
        self.query_one("#digest-title", Static).update(Content.styled(clean_line(title), "bold"))
        shown_text, omitted = excerpt(text, MAX_PREVIEW_CHARS, MAX_PREVIEW_BLOCKS)
        if omitted:
            shown_text += (
                f"\n\n*… {omitted:,} more characters of this page are not rendered here: m shows the whole "
                f"Markdown, and `readr export --week {first.isoformat()}` writes it.*"
            )
        self.query_one("#digest-md", Markdown).update(shown_text)
        source = self.query_one("#digest-source", TextArea)
        source.soft_wrap = len(text) <= SOFT_WRAP_LIMIT  # rewrapping a huge page at every resize stalls
        source.load_text(text)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_week(self, step: int) -> None:
        self.day = self.day + timedelta(days=7 * step)
        self.refresh_page()

    def action_this_week(self) -> None:
        self.day = clock.today()
        self.refresh_page()

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self.query_one("#digest-source").display = self.raw
        self.query_one("#digest-rendered").display = not self.raw
        (self.query_one("#digest-source") if self.raw else self.query_one("#digest-rendered")).focus()

    def action_toggle_unsummarized(self) -> None:
        self.include_unsummarized = not self.include_unsummarized
        self.refresh_page()
