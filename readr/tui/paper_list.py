"""The paper list: a Line-API ScrollView over an id array, reading only the visible rows from SQLite.

Never one widget per paper and never all rows loaded: the view's ids live in an `array('q')`
(8 bytes a paper) and `render_line` asks the store for the page on screen. Week headers of
grouped views are entries too (negative ids); the cursor steps over them.
"""

from __future__ import annotations

from array import array
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ..clock import clock
from ..rank_rules import MUTE_PENALTY
from ..sanitize import clean_line
from ..store.views import ListRow, ViewResult
from .keys import LIST_BINDINGS, key_of

STATUS_GLYPHS = {
    "inbox": "•", "to-read": "○", "reading": "◐", "read": "●", "dismissed": "×", None: "·",
}
PREFETCH = 40
CACHE_LIMIT = 4000
DATE_WIDTH = 9  # "Jul 2020", and the column's label "published"
SCORE_WIDTH = 5  # the relevance bar of the ranked Inbox
EIGHTHS = " ▏▎▍▌▋▊▉"
# The date a view's rows show, and the label over that column.
DATE_LABELS = {"added_at": "added", "read_at": "read", "published": "published"}


def date_field_for(view: str) -> str:
    """The read date in Read (its weeks are reading weeks), the publication date in the
    Catalogue (bulk imports were never added by hand), else the date the paper was added."""
    return {"read": "read_at", "catalogue": "published"}.get(view, "added_at")


def short_authors(authors: list[str]) -> str:
    if not authors:
        return ""
    first = clean_line(authors[0])
    if len(authors) == 1:
        return first
    if len(authors) == 2:
        return f"{first}, {clean_line(authors[1])}"
    return f"{first} et al."


def short_date(stamp: str | None, today: date) -> str:
    if not stamp:
        return ""
    try:
        day = date.fromisoformat(stamp[:10])
    except ValueError:
        return ""
    if day.year == today.year:
        return day.strftime("%b %d")
    return day.strftime("%b %Y")


def week_title(bounds: tuple[date, date], today: date, count: int, preview_key: str | None = None) -> str:
    """A week's header; `preview_key` (the digest preview's key) in the Read view, where this
    week's papers are the digest's."""
    first, last = bounds
    span = f"{first.strftime('%b %d')} – {last.strftime('%b %d, %Y')}"
    if first <= today <= last:
        when = f" · this week (the digest: {preview_key} previews it)" if preview_key else " · this week"
    elif 0 < (today - last).days <= 7:
        when = " · last week"
    else:
        when = ""
    noun = "paper" if count == 1 else "papers"
    return f"Week {span}{when} · {count} {noun}"


def fit(text: str, width: int) -> str:
    """Crop or pad to exactly `width` cells, with an ellipsis when cropped."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class PaperList(ScrollView, can_focus=True):
    """Rows of papers, one line each: selection, status, title, authors, tags and date."""

    BINDINGS = [*LIST_BINDINGS]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--cursor-blur",
        "paper-list--header",
        "paper-list--selected",
        "paper-list--dim",
        "paper-list--tags",
        "paper-list--inbox",
        "paper-list--to-read",
        "paper-list--reading",
        "paper-list--read",
        "paper-list--dismissed",
        "paper-list--empty",
        "paper-list--score",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=True)

    class CursorMoved(Message):
        """The cursor is on another paper (or on none)."""

        def __init__(self, paper_id: int | None) -> None:
            super().__init__()
            self.paper_id = paper_id

    class SelectionChanged(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, store, *, name: str | None = None, id: str | None = None):
        super().__init__(name=name, id=id)
        self.store = store
        self.entries = array("q")
        self.header_titles: dict[int, str] = {}
        self.rows: dict[int, ListRow] = {}
        self.selected: set[int] = set()
        self.date_field = "added_at"
        self.empty_message = "Loading…"
        self.complete = True  # False while only the first page of the view is here
        self.header: ColumnHeader | None = None
        self._select_all_when_complete = False
        self._last_reported: int | None = -1
        self._scores: dict[int, float] = {}
        self._score_range = (0.0, 0.0)
        # Styles resolved once per style change, not per row: rich_style walks every ancestor.
        self._styles: dict[str, Style] = {}

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    # --- data -------------------------------------------------------------------------------

    @property
    def scores(self) -> dict[int, float]:
        """Relevance scores of the papers (the ranked Inbox), drawn as a bar before each title."""
        return self._scores

    @scores.setter
    def scores(self, scores: dict[int, float]) -> None:
        self._scores = scores
        high = max(scores.values()) if scores else 0.0
        # Muted papers (readr.rank_rules) sit far below the rest: they get the smallest bar, and the
        # others' bars span the unmuted scores.
        unmuted = [v for v in scores.values() if v > high - MUTE_PENALTY / 2]
        self._score_range = (min(unmuted), high) if unmuted else (0.0, 0.0)
        if self.header is not None:
            self.header.refresh()
        self.refresh()

    def score_bar(self, paper_id: int) -> str:
        """SCORE_WIDTH cells of bar, filled as far as the paper's score lies between the lowest
        and the highest of the list (eighths of a cell)."""
        score = self._scores.get(paper_id)
        if score is None:
            return " " * SCORE_WIDTH
        low, high = self._score_range
        share = max(0.0, (score - low) / (high - low)) if high > low else 1.0
        eighths = max(1, round(share * SCORE_WIDTH * 8))
        full, part = divmod(eighths, 8)
        bar = "█" * full + (EIGHTHS[part] if part else "")
        return bar.ljust(SCORE_WIDTH)

    def set_result(self, result: ViewResult, *, date_field: str = "added_at", keep: int | None = None,
                   keep_index: int | None = None, empty_message: str = "No papers here.",
                   partial: bool = False) -> None:
        """Show a new id list. Keeps the cursor on paper `keep` if it is still there, else near
        `keep_index`. `partial`: only the first page of the view; the rest follows."""
        entries = array("q")
        titles: dict[int, str] = {}
        preview_key = key_of(self.app, "digest-preview") if date_field == "read_at" else None
        if result.headers:
            positions = sorted(result.headers)
            ids = result.ids
            entries.extend(ids[: positions[0]])
            for n, pos in enumerate(positions):
                end = positions[n + 1] if n + 1 < len(positions) else len(ids)
                titles[len(entries)] = week_title(
                    result.headers[pos], clock.today(), end - pos, preview_key)
                entries.append(-1)
                entries.extend(ids[pos:end])
        else:
            entries = result.ids
        self.entries = entries
        self.header_titles = titles
        self.date_field = date_field
        self.empty_message = empty_message
        self.rows.clear()
        self.complete = not partial
        if not partial and len(entries) < 200_000:
            self.selected &= set(entries)  # papers that left the view (a first page says nothing)
        self.virtual_size = Size(self.scrollable_content_region.width, len(entries))
        target = None
        if keep is not None and len(entries) < 2_000_000:
            try:
                target = entries.index(keep)
            except ValueError:
                target = None
        if target is None:
            target = min(keep_index or 0, max(len(entries) - 1, 0))
        self._last_reported = -1
        self.move_cursor(target, direction=1 if target == 0 else 0)
        if self.header is not None:
            self.header.refresh()
        if self._select_all_when_complete and self.complete:
            self._select_all_when_complete = False
            self._select_every_entry()
        self.refresh()

    def invalidate(self, ids: list[int] | None = None) -> None:
        """Forget cached rows (all, or the given ids) so they are read again."""
        if ids is None:
            self.rows.clear()
        else:
            for paper_id in ids:
                self.rows.pop(paper_id, None)
        self.refresh()

    def paper_id_at(self, index: int) -> int | None:
        if 0 <= index < len(self.entries):
            value = self.entries[index]
            return value if value >= 0 else None
        return None

    @property
    def current_id(self) -> int | None:
        return self.paper_id_at(self.cursor)

    @property
    def paper_count(self) -> int:
        return len(self.entries) - len(self.header_titles)

    def target_ids(self) -> list[int]:
        """The selection, or else the paper under the cursor."""
        if self.selected:
            return [i for i in self.selected]
        current = self.current_id
        return [current] if current is not None else []

    def _fetch_around(self, index: int) -> None:
        height = max(self.size.height, 1)
        start = max(0, index - PREFETCH)
        end = min(len(self.entries), index + height + PREFETCH)
        wanted = [i for i in self.entries[start:end] if i >= 0 and i not in self.rows]
        if not wanted:
            return
        if len(self.rows) > CACHE_LIMIT:
            self.rows.clear()
        self.rows.update(self.store.list_rows(wanted))

    def row(self, paper_id: int) -> ListRow | None:
        if paper_id not in self.rows:
            self._fetch_around(self.cursor if self.size.height == 0 else int(self.scroll_offset.y))
            if paper_id not in self.rows:
                self.rows.update(self.store.list_rows([paper_id]))
        return self.rows.get(paper_id)

    # --- cursor -----------------------------------------------------------------------------

    def move_cursor(self, index: int, direction: int = 1) -> None:
        count = len(self.entries)
        if count == 0:
            self.cursor = 0
            self._report()
            return
        index = max(0, min(index, count - 1))
        # Step over week headers in the direction of travel (or whichever way finds a paper).
        if self.entries[index] < 0:
            step = direction or 1
            probe = index
            while 0 <= probe < count and self.entries[probe] < 0:
                probe += step
            if not (0 <= probe < count):
                probe = index
                while 0 <= probe < count and self.entries[probe] < 0:
                    probe -= step
            index = max(0, min(probe, count - 1))
        self.cursor = index
        self._scroll_to_cursor(direction)
        self._report()

    def _scroll_to_cursor(self, direction: int) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = int(self.scroll_offset.y)
        target = self.cursor
        # Show a week's header together with its first paper.
        if target > 0 and self.entries[target - 1] < 0 and direction <= 0:
            target -= 1
        if target < top:
            self.scroll_to(y=target, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _report(self) -> None:
        current = self.current_id
        if current != self._last_reported:
            self._last_reported = current
            self.post_message(self.CursorMoved(current))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.entries))
        self._scroll_to_cursor(0)
        if self.header is not None:
            self.header.refresh()

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1, -1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0, 1)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self.entries) - 1, -1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + max(self.size.height - 1, 1), 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - max(self.size.height - 1, 1), -1)

    def action_toggle_select(self) -> None:
        current = self.current_id
        if current is None:
            return
        if current in self.selected:
            self.selected.discard(current)
        else:
            self.selected.add(current)
        self.post_message(self.SelectionChanged(len(self.selected)))
        self.move_cursor(self.cursor + 1, 1)
        self.refresh()

    def action_select_all(self) -> None:
        """Every paper of the view, also the rows not drawn yet; a view still loading is
        selected whole when the rest of it arrives (set_result)."""
        if not self.complete:
            self._select_all_when_complete = True
        self._select_every_entry()

    def _select_every_entry(self) -> None:
        self.selected.update(self.entries)
        self.selected.discard(-1)  # week headers
        self.post_message(self.SelectionChanged(len(self.selected)))
        self.refresh()

    def clear_selection(self) -> bool:
        self._select_all_when_complete = False
        if not self.selected:
            return False
        self.selected.clear()
        self.post_message(self.SelectionChanged(0))
        self.refresh()
        return True

    def on_click(self, event) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.entries):
            self.move_cursor(index, 1)
        self.focus()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- rendering --------------------------------------------------------------------------

    def _columns(self, width: int) -> tuple[int, int, int, int]:
        """Widths of title, authors, tags and date for a row `width` cells wide."""
        date_w = DATE_WIDTH
        if width >= 140:
            authors_w, tags_w = 26, 24
        elif width >= 100:
            authors_w, tags_w = 20, 18
        elif width >= 70:
            authors_w, tags_w = 16, 12
        else:
            authors_w, tags_w = 0, 0
        title_w = width - 3 - date_w - (authors_w + 1 if authors_w else 0) - (tags_w + 1 if tags_w else 0) - 1
        if self._scores:
            title_w -= SCORE_WIDTH + 1
        return max(title_w, 8), authors_w, tags_w, date_w

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = int(self.scroll_offset.y) + y
        base = self._styles.get("")
        if base is None:
            base = self._styles[""] = self.rich_style
        if not self.entries:
            if y == 1:
                style = self.get_component_rich_style("paper-list--empty")
                return Strip([Segment(fit("  " + self.empty_message, width), base + style)], width)
            return Strip.blank(width, base)
        if index >= len(self.entries):
            return Strip.blank(width, base)
        value = self.entries[index]
        if value < 0:
            style = self.get_component_rich_style("paper-list--header")
            title = self.header_titles.get(index, "")
            return Strip([Segment(fit(f"── {title} ", width), base + style)], width)
        if value not in self.rows:
            self._fetch_around(int(self.scroll_offset.y))
        row = self.rows.get(value)
        if row is None:
            dim = base + self.get_component_rich_style("paper-list--dim")
            return Strip([Segment(fit("   (removed)", width), dim)], width)
        return self._render_row(row, index, width, base)

    def _color_of(self, component: str) -> Style:
        """Only the foreground of a component style (resolved against this widget's background),
        so the cursor and selection backgrounds stay visible under it."""
        style = self._styles.get(component)
        if style is None:
            full = self.get_component_rich_style(component)
            style = self._styles[component] = Style(color=full.color, bold=full.bold, italic=full.italic)
        return style

    def _render_row(self, row: ListRow, index: int, width: int, base: Style) -> Strip:
        title_w, authors_w, tags_w, date_w = self._columns(width)
        line_style = base
        selected = row.id in self.selected
        if selected:
            line_style = line_style + self.get_component_rich_style("paper-list--selected")
        if index == self.cursor:
            cls = "paper-list--cursor" if self.has_focus else "paper-list--cursor-blur"
            line_style = line_style + self.get_component_rich_style(cls)
        status_style = self._color_of(f"paper-list--{row.status or 'dismissed'}")
        if index == self.cursor and self.has_focus:
            dim = tags_style = Style()  # the cursor's own colours: readable in every theme
        else:
            dim = self._color_of("paper-list--dim")
            tags_style = self._color_of("paper-list--tags")
        mark = "▌" if selected else ("›" if index == self.cursor else " ")
        glyph = STATUS_GLYPHS.get(row.status, "·")
        title = clean_line(row.title) or row.key
        if row.newer_version:
            title += " ↑"
        if row.has_summary:
            title = "✎ " + title
        stamp = getattr(row, self.date_field)
        segments = [
            Segment(mark, line_style),
            Segment(glyph, line_style + status_style),
            Segment(" ", line_style),
        ]
        if self._scores:
            segments.append(Segment(self.score_bar(row.id) + " ", line_style + self._color_of("paper-list--score")))
        segments.append(Segment(fit(title, title_w), line_style))
        if authors_w:
            segments.append(Segment(" " + fit(short_authors(row.authors), authors_w), line_style + dim))
        if tags_w:
            tags = " ".join("#" + clean_line(t) for t in row.tags)
            segments.append(Segment(" " + fit(tags, tags_w), line_style + tags_style))
        segments.append(Segment(" " + fit(short_date(stamp, clock.today()), date_w), line_style + dim))
        used = sum(cell_len(s.text) for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), line_style))
        return Strip(segments).crop(0, width)


class ColumnHeader(Widget):
    """One line over the paper list naming its columns, the date's meaning above all: it is the
    added date in most views, the read date in Read, the publication date in the Catalogue."""

    DEFAULT_CSS = """
    ColumnHeader {
        height: 1;
        background: $surface;
        color: $text-muted;
        text-style: bold;
    }
    """

    def __init__(self, papers: PaperList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.papers = papers
        papers.header = self

    def label_line(self) -> str:
        papers = self.papers
        width = papers.scrollable_content_region.width or papers.size.width or self.size.width
        title_w, authors_w, tags_w, date_w = papers._columns(width)
        line = "   " + (fit("score", SCORE_WIDTH + 1) if papers.scores else "") + fit("title", title_w)
        if authors_w:
            line += " " + fit("authors", authors_w)
        if tags_w:
            line += " " + fit("tags", tags_w)
        return line + " " + fit(DATE_LABELS.get(papers.date_field, ""), date_w)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if y != 0:
            return Strip.blank(width, style)
        return Strip([Segment(fit(self.label_line(), width), style)], width)
