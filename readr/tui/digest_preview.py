"""The digest preview: a week's (or a month's) Read view as the Markdown `readr export` writes,
rendered or raw.

The page comes from `readr.digest.export.render_week` / `render_month` (the exporter itself),
so what you see is exactly what `readr export --week DATE` / `--month YYYY-MM` would write.
It opens on the week of the highlighted paper when that paper is read; g jumps to any date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Markdown, Static, TextArea

from ..clock import clock
from ..errors import ReadrError
from ..sanitize import clean_line
from ..weeks import week_bounds
from ..wording import plural
from .detail import excerpt
from .editor import SOFT_WRAP_LIMIT
from .keys import DIGEST_BINDINGS, key_of

# Textual's Markdown costs ~4-11 ms a block: a page longer than this is rendered up to here,
# with a note (the Markdown source, m, always has all of it; so does the export).
MAX_PREVIEW_CHARS = 60_000
MAX_PREVIEW_BLOCKS = 200


def parse_target(text: str, week_start: int = 0) -> tuple[str, object]:
    """("month", (year, month)) for YYYY-MM, else ("week", its first day) for what the CLI
    takes as a week: this, last, today, yesterday or a date (readr.weeks)."""
    from ..weeks import month_of, week_of

    if re.fullmatch(r"\s*\d{4}-\d{1,2}\s*", text):
        return "month", month_of(text)
    return "week", week_of(text, week_start)[0]


def _stdout_assets(store):
    """Images as `readr export` links them on stdout (absolute paths to the library's folder)."""
    from ..digest.assets import AssetLinker

    return AssetLinker(search_dirs=[store.data_dir])


def render_month_digest(store, year: int, month: int, week_start: int, include_unsummarized: bool):
    """(markdown, entries shown, weeks with entries) for a month page, as `export --month`."""
    from ..digest.export import render_month

    text, weeks = render_month(store, year, month, week_start=week_start, include_unsummarized=include_unsummarized,
                               assets=_stdout_assets(store))
    return text, sum(len(w.entries) for w in weeks), len(weeks)


def render_digest(store, day: date, week_start: int, include_unsummarized: bool) -> tuple[str, int, int]:
    """(markdown, entries shown, papers read that week) for the week containing `day`, as
    `export --week`."""
    from ..digest.export import render_week

    text, week = render_week(store, day, week_start=week_start, include_unsummarized=include_unsummarized,
                             assets=_stdout_assets(store))
    first, last = week_bounds(day, week_start)
    read = len(store.read_between(first, last))
    return text, len(week.entries), read


class DigestPreview(Screen):
    CSS_PATH = "digest.tcss"  # loaded when the screen first opens, not at start-up
    BINDINGS = [*DIGEST_BINDINGS]

    def __init__(self, store, config, day: date | None = None):
        super().__init__()
        self.store = store
        self.config = config
        self.day = day or clock.today()
        self.month: tuple[int, int] | None = None  # a month page instead of a week
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
        if self.month is not None:
            self._refresh_month(*self.month)
            return
        first, last = week_bounds(self.day, self.config.week_start)
        try:
            text, shown, read = render_digest(self.store, self.day, self.config.week_start, self.include_unsummarized)
        except ReadrError as exc:
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
            note = f" · {left_out} read without a summary left out ({key_of(self.app, 'digest-all')} includes them)"
        if read == 0:
            note = " · nothing read this week yet" if this else " · nothing read that week"
        title = (
            f"Digest for the week {first.isoformat()} – {last.isoformat()}{this} · "
            f"{plural(shown, 'entry', 'entries')}{note}"
        )
        self._show(title, text, f"--week {first.isoformat()}")

    def _refresh_month(self, year: int, month: int) -> None:
        try:
            text, shown, weeks = render_month_digest(
                self.store, year, month, self.config.week_start, self.include_unsummarized)
        except (ReadrError, AttributeError, ImportError) as exc:
            self.markdown = ""
            self.query_one("#digest-title", Static).update(
                Content.styled(f"The digest cannot be rendered: {clean_line(str(exc))}", "$error")
            )
            return
        self.markdown = text
        title = (
            f"Digest for the month {year}-{month:02d} · {plural(shown, 'entry', 'entries')} in "
            f"{plural(weeks, 'week')}"
        )
        self._show(title, text, f"--month {year}-{month:02d}")

    def _show(self, title: str, text: str, export_option: str) -> None:
        self.query_one("#digest-title", Static).update(Content.styled(clean_line(title), "bold"))
        shown_text, omitted = excerpt(text, MAX_PREVIEW_CHARS, MAX_PREVIEW_BLOCKS)
        if omitted:
            shown_text += (
                f"\n\n*… {omitted:,} more characters of this page are not rendered here: m shows the whole "
                f"Markdown, and `readr export {export_option}` writes it.*"
            )
        self.query_one("#digest-md", Markdown).update(shown_text)
        source = self.query_one("#digest-source", TextArea)
        source.soft_wrap = len(text) <= SOFT_WRAP_LIMIT  # rewrapping a huge page at every resize stalls
        source.load_text(text)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_week(self, step: int) -> None:
        """The next or previous week, or month on a month page."""
        if self.month is not None:
            year, month = self.month
            index = year * 12 + month - 1 + step
            self.month = (index // 12, index % 12 + 1)
        else:
            self.day = self.day + timedelta(days=7 * step)
        self.refresh_page()

    def action_this_week(self) -> None:
        self.day = clock.today()
        self.month = None
        self.refresh_page()

    def action_go_to(self) -> None:
        def chosen(target: tuple[str, object] | None) -> None:
            if target is None:
                return
            kind, value = target
            if kind == "month":
                self.month = value  # type: ignore[assignment]
            else:
                self.day, self.month = value, None  # type: ignore[assignment]
            self.refresh_page()

        self.app.push_screen(GoToDate(self.config.week_start), chosen)

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self.query_one("#digest-source").display = self.raw
        self.query_one("#digest-rendered").display = not self.raw
        (self.query_one("#digest-source") if self.raw else self.query_one("#digest-rendered")).focus()

    def action_toggle_unsummarized(self) -> None:
        self.include_unsummarized = not self.include_unsummarized
        self.refresh_page()


class GoToDate(ModalScreen):
    """A one-line prompt: the date whose week to show, or a month."""

    CSS_PATH = "digest.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="digest-go-to-cancel")]

    def __init__(self, week_start: int = 0) -> None:
        super().__init__()
        self.week_start = week_start

    def compose(self) -> ComposeResult:
        with Vertical(id="go-to-box"):
            yield Static(Content.styled("Show the digest of…", "bold"))
            yield Input(placeholder="2022-03-14 (its week) · 2022-03 (the month) · last · today",
                        id="go-to-date")
            yield Static(Content(""), id="go-to-error")

    @on(Input.Submitted, "#go-to-date")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.dismiss(None)
            return
        try:
            target = parse_target(event.value, self.week_start)
        except ReadrError as exc:
            self.query_one("#go-to-error", Static).update(Content.styled(clean_line(str(exc)), "$error"))
            return
        self.dismiss(target)

    def action_cancel(self) -> None:
        self.dismiss(None)
