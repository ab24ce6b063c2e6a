"""The library screen's two one-line bars: the views bar at the top (each view with its key
and count) and the status line at the bottom (view, count, search, selection, PDFs, undo, sync).
Each renders itself from the state it is given and the reader's keys; neither reads the library."""

from __future__ import annotations

from datetime import date

from textual.content import Content
from textual.widgets import Static

from ..record import record
from ..sanitize import clean_line
from ..statuses import STATUS_LABELS
from .keys import key_of

# The views bar, in order; the key that opens a view is its binding "view-NAME" (keys.py).
# Catalogue is every paper, bulk-imported catalogue entries included; Team is every paper a
# teammate has (readr sync), in the bar only once there is one (or while it is open).
VIEWS = [("all", "All"), *STATUS_LABELS.items(), ("catalogue", "Catalogue"), ("team", "Team")]
VIEW_LABELS = dict(VIEWS)
SHORT_VIEW_LABELS = VIEW_LABELS | {"dismissed": "Dism.", "catalogue": "Cat."}  # when 80 columns are tight


def shown_views(view: str, counts: dict[str, int]) -> list[str]:
    """The views the bar shows and [ ] cycle through: Team only when the library has a team."""
    return [name for name, _ in VIEWS if name != "team" or counts.get("team") or view == "team"]


def short_count(count: int) -> str:
    """12, 9999, 57k, 1.2M: the views bar must fit in 80 columns."""
    if count < 10_000:
        return str(count)
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"


def view_label(view: str) -> str:
    if view.startswith("tag:"):
        return "#" + clean_line(view[4:])
    return VIEW_LABELS.get(view, view)


class ViewsBar(Static):
    """The views, each with its key and count, the open one highlighted; short labels when narrow."""

    def show(self, view: str, counts: dict[str, int]) -> None:
        keys = {name: key_of(self.app, f"view-{name}") for name, _ in VIEWS}

        def bar(labels: dict[str, str], badge: bool) -> list[Content]:
            parts = [Content.styled(" readr ", "bold reverse"), Content(" ")] if badge else []
            for name in shown_views(view, counts):
                count = counts.get(name)
                shown = f" {short_count(count)}" if count is not None else ""
                text = f" {keys[name]} {labels[name]}{shown} "
                parts.append(Content.styled(text, "bold reverse $accent") if view == name else Content(text))
            if view.startswith("tag:"):
                parts.append(Content.styled(f" {view_label(view)} ", "bold reverse $accent"))
            return parts

        parts = bar(VIEW_LABELS, badge=True)
        if sum(part.cell_length for part in parts) > self.app.size.width:
            parts = bar(SHORT_VIEW_LABELS, badge=False)
        # One line high (app.tcss): no layout pass over the whole screen for a new text.
        self.update(Content.assemble(*parts), layout=False)


def synced_label(last_synced: str | None, today: date) -> str:
    """When the library last synced, short: "synced 14:05" today, else "synced 2027-02-01"."""
    if not last_synced:
        return ""
    day, _, time = last_synced.partition("T")
    return f"synced {time[:5]}" if day == today.isoformat() and time else f"synced {day}"


@record
class StatusState:
    """Everything the status line says."""

    view: str
    count: int
    loading: bool = False  # only the first page is in: the count is a lower bound
    capped: bool = False  # a search showing its best matches only
    search: str = ""
    selected: int = 0
    pdfs: str = ""  # the PDF queue's progress, if it runs
    undo: str | None = None  # what the undo key undoes
    demo: bool = False
    sync: str = ""  # "syncing…", or when the library last synced
    error: str | None = None  # the search's syntax error, or a failed load
    order: str = ""  # the Inbox's order: by relevance, or why not
    search_order: str = ""  # a like: search's order: by the tag's model, or why not


class StatusLine(Static):
    """One line: the view, its count, the search, the selection, PDFs, what undo undoes, the last
    sync, the help key."""

    def show(self, state: StatusState) -> None:
        bits = [view_label(state.view)]
        if state.loading:
            bits.append(f"{state.count:,}+ papers (loading…)")
        else:
            noun = "paper" if state.count == 1 else "papers"
            bits.append(f"{state.count:,} {noun}" + (" (best matches)" if state.capped else ""))
        if state.order and not state.search.strip():
            bits.append(state.order)
        if state.search.strip():
            bits.append(f"search: {clean_line(state.search)} ({key_of(self.app, 'clear')} in the list clears)")
            if state.search_order:
                bits.append(state.search_order)
        if state.selected:
            bits.append(f"{state.selected} selected")
        if state.pdfs:
            bits.append(state.pdfs)
        if state.undo is not None:
            bits.append(f"{key_of(self.app, 'undo')} undoes: {state.undo}")
        if state.sync:
            bits.append(state.sync)
        if state.demo:
            bits.append("demo library")
        bits.append(f"{key_of(self.app, 'help')} keys")
        text = Content(" · ".join(bits))
        if state.error:
            text = Content.assemble(text, ("  ", ""), (clean_line(state.error), "bold $error"))
        self.update(text, layout=False)  # one line high: no layout pass
