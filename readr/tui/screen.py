"""The library screen: its layout (views bar, search, list, details, status line, key bar) and
what its keys do (statuses, tags, undo, summaries, opening papers, views, PDFs).

The work it hands off lives beside it: loading views and searches (`view_loader.py`), the PDF
queue (`pdf_queue.py`), the bars (`status_bar.py`), the messages workers post (`messages.py`).
The highlighted paper's search match is found in a worker too. Writes by other processes are
noticed by polling `PRAGMA data_version` once a second on the UI thread's connection, and the
view is reloaded in place.
"""

from __future__ import annotations

import functools
import sqlite3
from array import array
from datetime import date
from typing import TYPE_CHECKING, Callable

from textual import getters, on, work
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from ..record import record
from ..clock import clock
from ..config import Config
from ..errors import QueryError, ReadrError
from ..query import parse_query, search_placeholder
from ..sanitize import clean_line
from ..store import Store
from ..store.views import ViewResult
from ..drafts import Drafts
from .failures import RelayWorkerStates, guarded, write_or_notify
from .keybar import KeyBar
from .inbox_order import InboxOrder
from .keys import MAIN_BINDINGS, SEARCH_BINDINGS, key_of
from .like_order import LikeOrder
from .messages import (
    InboxRanked, LikeRanked, MatchFound, PdfBatchDone, PdfFinished, PdfProgress, SyncFinished, SyncProgress,
    ViewLoaded,
)
from .paper_list import ColumnHeader, PaperList, date_field_for
from .pdf_queue import PdfQueue
from .status_bar import StatusLine, StatusState, ViewsBar, shown_views, synced_label
from .view_loader import ViewLoader

if TYPE_CHECKING:
    from .detail import DetailPane

    class _ReadrApp(App):
        """What the screen uses of its app (readr.tui.app.ReadrApp, which imports this module)."""

        config: Config
        client_factory: Callable

        def first_frame_shown(self) -> None: ...

STATUS_WORDS = {
    "read": "Marked read", "reading": "Reading", "to-read": "Kept to read", "dismissed": "Dismissed",
    "inbox": "Back to the inbox",
}
DEBOUNCE = 0.15  # keys typed while a search runs wait for this pause in typing (see _search_changed)
DETAIL_DELAY = 0.04  # the detail pane follows the cursor after this pause...
DETAIL_DELAY_TYPING = 0.15  # ...or this one while the reader types a search: the list comes first
UNDO_DEPTH = 50
POLL_SECONDS = 1.0  # how often the TUI asks SQLite whether another process wrote


@record
class UndoStep:
    description: str
    snapshots: list
    keys: list[str]


class SearchInput(Input):
    BINDINGS = [*SEARCH_BINDINGS]

    def action_leave(self) -> None:
        # set_focus now, not later: keys typed in one burst must reach the right widget.
        self.screen.set_focus(self.screen.query_one(PaperList))


class DetailSlot(Static):
    """Holds the detail pane's place in the first frame. The pane is mounted right after that
    frame: its Markdown widget costs ~75 ms of imports (markdown-it, pygments), more than the
    rest of readr, and the first frame needs only the list."""


class LibraryScreen(RelayWorkerStates, Screen):
    """The main screen: views, search bar, list, details, status line and footer."""

    if TYPE_CHECKING:
        app = getters.app(_ReadrApp)

    BINDINGS = [*MAIN_BINDINGS]
    AUTO_FOCUS = "#papers"  # not the search bar first, then the list: one focus change fewer

    def __init__(self, store: Store, config: Config, demo: bool = False):
        super().__init__()
        self.store = store
        self.config = config
        self._shown_day = clock.today()  # the day the views were last drawn for
        self.demo = demo
        self.view = "all"
        self.loader = ViewLoader(self, store, config.week_start)
        self.inbox_order = InboxOrder(self, store)
        self._rank_lands_on_top = False  # the next ranking puts the cursor on the top paper
        self.like_order = LikeOrder(self, store)
        self._like: tuple[str, bool] | None = None  # the search's like: tag, and whether it asks for tag: too
        self._like_ranked_text: str | None = None  # the search text of the like: order on screen
        self.counts: dict[str, int] = {}
        self.undo_stack: list[UndoStep] = []
        self.drafts = Drafts.of_library(store)
        self._debounce: Timer | None = None
        self._detail_timer: Timer | None = None
        self.detail: DetailPane | None = None  # the DetailPane, once mounted (right after the first frame)
        self._loaded_once = False
        self._last_elapsed = 0.0
        self._query_error: str | None = None
        self._pending_keep: tuple[int | None, int | None] = (None, None)
        self.capped = False
        self._partial_generation: int | None = None
        # Where a first page put the cursor when its paper to keep was not in it.
        self._partial_landing: int | None = None
        # The app's client factory, looked up when a batch needs a client (tests replace it).
        self.pdfs = PdfQueue(self, store, lambda: self.app.client_factory())
        # Search matches of highlighted papers: (paper id, search text) -> SearchMatch | None.
        self._matches: dict[tuple[int, str], object] = {}
        self._outside_dirty = False
        self.syncing = False
        self._sync_stage = ""  # the stage of the round the sync worker reported last
        self._last_synced: str | None = None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ViewsBar(Content(""), id="views")
        yield SearchInput(
            placeholder="/ search: " + search_placeholder(),
            id="search",
        )
        with Container(id="body", classes="wide" if self.app.size.width >= 120 else ""):
            with Container(id="list-pane"):
                papers = PaperList(self.store, id="papers")
                yield ColumnHeader(papers, id="columns")
                yield papers
            yield DetailSlot(Content(""), id="detail-slot")
        yield StatusLine(Content(""), id="status")
        yield KeyBar()  # Textual's Footer, as one widget: it rebuilt ten widgets per focus change

    def on_mount(self) -> None:
        self._read_last_synced()
        self._render_views()
        self.reload(first_page_now=True)
        self.call_after_refresh(self._mount_detail)
        self._poll_outside(baseline=True)
        self.set_interval(POLL_SECONDS, self._poll_outside)
        drafts = self.drafts.keys()
        if drafts:
            shown = ", ".join(drafts[:3]) + (" …" if len(drafts) > 3 else "")
            self.notify(
                f"Unsaved summary drafts for {shown}. Open the paper and press {key_of(self.app, 'edit')} to continue.",
                title="Recovered drafts", timeout=10,
            )

    async def _mount_detail(self) -> None:
        if not self.query_one("#body").is_mounted:
            self.call_after_refresh(self._mount_detail)  # the app's start-up is not done yet
            return
        self.app.first_frame_shown()
        from .detail import DetailPane

        pane = DetailPane(id="detail")
        try:
            await self.query_one("#body").mount(pane, after=self.query_one("#list-pane"))
            await self.query_one(DetailSlot).remove()
        except NoMatches:
            return  # the screen went away first (quit at once)
        self.detail = pane
        self.show_detail()

    def on_resize(self, event) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.query_one("#body").set_class(width >= 120, "wide")

    # --- loading views ----------------------------------------------------------------------

    @property
    def today(self) -> date:
        return clock.today()

    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value

    def reload(self, keep: int | None = None, keep_index: int | None = None, counts: bool = True,
               first_page_now: bool = False) -> None:
        """Recompute the view's id list in a worker (interrupting any stale query).

        `first_page_now`: read the first page here, on the UI thread (1-2 ms at a million
        papers), so that the next frame shows it; the worker reads the rest and the counts."""
        try:
            query = parse_query(self.search_text, week_start=self.config.week_start, today=self.today)
        except QueryError as exc:
            self._query_error = str(exc)
            self._render_status()
            return
        self._query_error = None
        self._like = (query.like, query.like in query.tags) if query.like is not None else None
        if self._like is None:
            self.like_order.clear()
            self._like_ranked_text = None
        self._pending_keep = (keep, keep_index)
        first_page = self.loader.load(self.view, query, with_counts=counts or not self.counts,
                                      first_page_now=first_page_now)
        if first_page is not None:
            self.on_view_loaded(first_page)

    def on_view_loaded(self, message: ViewLoaded) -> None:
        if message.generation != self.loader.generation:
            return  # a stale answer
        if message.error:
            self._query_error = message.error
            self._render_status()
            return
        assert message.result is not None  # a ViewLoaded without an error has one
        papers = self.papers
        result = message.result
        ranked_inbox = self._ranked_inbox()
        if ranked_inbox and self.inbox_order.scores:
            if message.partial:
                return  # a first page is the newest papers, not the best: wait for all of them
            result = self.inbox_order.ordered(result)
        # The same like: search loaded again (after a triage key): in the order already on screen
        # until the new ranking comes, as the ranked Inbox does.
        same_search = self._like is not None and self._like_ranked_text == self.search_text
        like_scores = self.like_order.scores if same_search else {}
        if like_scores:
            if message.partial:
                return  # as in the ranked Inbox: the first page is not the best
            result = ViewResult(array("q", sorted((i for i in result.ids if i in like_scores),
                                               key=lambda i: -like_scores[i])))
        papers.scores = self.inbox_order.scores if ranked_inbox else like_scores
        keep, keep_index = self._pending_keep
        if not message.partial and self._partial_generation == message.generation:
            # The rest of a list whose first page is on screen: stay where the reader is now,
            # unless the paper to keep was past the first page and the cursor has not moved since.
            if keep is None or papers.current_id != self._partial_landing:
                keep, keep_index = papers.current_id, papers.cursor
        elif keep is None and keep_index is None and self._loaded_once and not message.partial:
            keep, keep_index = papers.current_id, None
        self._partial_generation = message.generation if message.partial else None
        date_field = date_field_for(self.view)
        empty = "No papers match this search." if self.search_text.strip() else self._empty_hint()
        papers.set_result(result, date_field=date_field, keep=keep, keep_index=keep_index, empty_message=empty,
                          partial=message.partial)
        self._partial_landing = papers.current_id if message.partial and papers.current_id != keep else None
        if not message.partial:
            self._pending_keep = (None, None)
            self._loaded_once = True
        if message.counts is not None:
            self.counts = message.counts
            self._render_views()
        self.capped = message.result.capped
        self._last_elapsed = message.elapsed
        if ranked_inbox and not message.partial:
            self.inbox_order.start(message.generation, list(message.result.ids))
        if self._like is not None and not message.partial:
            self.like_order.start(message.generation, self._like[0], list(message.result.ids), self._like[1])
        self._render_status(loading=message.partial)

    def _ranked_inbox(self) -> bool:
        """The Inbox, unsearched, in the reader's chosen order of relevance."""
        return self.view == "inbox" and self.inbox_order.by_relevance and not self.search_text.strip()

    def on_inbox_ranked(self, message: InboxRanked) -> None:
        if message.generation != self.loader.generation or not self._ranked_inbox():
            return  # ranked for a load that is not on screen any more: the newer one ranks again
        self.inbox_order.answer(message)
        papers = self.papers
        ranked = message.ranked
        if ranked is not None and (ranked.note is None or ranked.why):  # ranked, or the rules moved papers
            top = self._rank_lands_on_top and papers.cursor == 0
            papers.scores = ranked.scores
            papers.set_result(
                ViewResult(array("q", ranked.ids)), date_field=date_field_for(self.view),
                keep=None if top else papers.current_id, keep_index=0 if top else papers.cursor,
                empty_message=self._empty_hint(),
            )
        else:
            papers.scores = {}
            papers.refresh()
        self._rank_lands_on_top = False
        self._render_status()
        self.show_detail()

    def on_like_ranked(self, message: LikeRanked) -> None:
        if message.generation != self.loader.generation or self._like is None:
            return  # ranked for a search that is not on screen any more
        self.like_order.answer(message)
        if message.bad_query:
            self._query_error = message.error
            self._render_status()
            return
        papers = self.papers
        ranked = message.ranked
        if ranked is not None:
            top = self._like_ranked_text != self.search_text
            self._like_ranked_text = self.search_text
            papers.scores = ranked.scores
            papers.set_result(
                ViewResult(array("q", ranked.ids)), date_field=date_field_for(self.view),
                keep=None if top else papers.current_id, keep_index=0 if top else papers.cursor,
                empty_message="No papers match this search.",
            )
        self._render_status()
        self.show_detail()

    def _empty_hint(self) -> str:
        add = key_of(self.app, "add")
        return {
            "inbox": "The inbox is empty. Followed feeds land here (readr fetch).",
            "to-read": f"Nothing to read. Press {add} to add papers.",
            "reading": f"Nothing in progress. Press {key_of(self.app, 'mark-reading')} on a paper to start reading it.",
            "read": f"Nothing read yet. Press {key_of(self.app, 'mark-read')} on a paper to mark it read.",
            "catalogue": (f"No papers yet. Import an arXiv catalogue with readr import FILE, or press {add} "
                          "to add papers."),
            "team": "No teammates' papers yet: readr sync REMOTE --as NAME shares a library with the team.",
        }.get(self.view, f"No papers yet. Press {add} to add some from arXiv.")

    # --- status and views bar ---------------------------------------------------------------

    def _render_views(self) -> None:
        self.query_one(ViewsBar).show(self.view, self.counts)

    def _render_status(self, loading: bool = False) -> None:
        papers = self.papers
        self.query_one(StatusLine).show(StatusState(
            view=self.view, count=papers.paper_count, loading=loading, capped=self.capped, search=self.search_text,
            selected=len(papers.selected), pdfs=self.pdfs.status(),
            undo=self.undo_stack[-1].description if self.undo_stack else None, demo=self.demo,
            sync=(f"syncing: {self._sync_stage}…" if self._sync_stage else "syncing…") if self.syncing
            else synced_label(self._last_synced, self.today),
            error=self._query_error,
            order=self.inbox_order.status(key_of(self.app, "inbox-order")) if self.view == "inbox" else "",
            search_order=self.like_order.status() if self._like is not None else "",
        ))

    def _read_last_synced(self) -> None:
        try:
            self._last_synced = self.store.get_meta("sync.last_synced")
        except sqlite3.Error:
            pass  # the status line keeps what it showed

    # --- events -----------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        # A keystroke after a quiet moment searches at once (a reading-list search takes a few
        # ms). A keystroke while a search is still running (a slow one) stops that stale query
        # and waits for a pause in typing: fast typing over slow queries runs one, not one a key.
        burst = self._debounce is not None or self.loader.busy
        self.loader.interrupt()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if burst:
            self._debounce = self.set_timer(DEBOUNCE, self._search_after_pause)
        else:
            self._search_after_pause()

    def _search_after_pause(self) -> None:
        self._debounce = None
        # A new search starts at its best match; a cleared one returns to the paper the reader
        # was on (an edit right after Esc must reach the paper the cursor showed).
        keep = self.papers.current_id if not self.search_text.strip() else None
        self.reload(keep=keep, keep_index=0, counts=False)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.set_focus(self.papers)

    def on_paper_list_cursor_moved(self, message: PaperList.CursorMoved) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        typing = isinstance(self.focused, SearchInput)
        self._detail_timer = self.set_timer(DETAIL_DELAY_TYPING if typing else DETAIL_DELAY, self.show_detail)

    def on_paper_list_selection_changed(self, message: PaperList.SelectionChanged) -> None:
        self._render_status()

    @guarded
    def show_detail(self) -> None:
        paper_id = self.papers.current_id
        detail = self.detail
        if detail is None:
            return  # not mounted yet: it shows the current paper when it is
        if paper_id is None:
            detail.show(None)
            return
        found = self.store.papers_by_ids([paper_id])
        paper = found[0] if found else None
        draft = paper is not None and self.drafts.load(paper.key) not in (None, paper.summary)
        team = tuple(self.store.team_notes(paper.key)) if paper is not None else ()
        from ..bibtex import cite_key_of

        cite_key = cite_key_of(self.store, paper) if paper is not None else None
        conflict = self.store.summary_conflict(paper.key) if paper is not None else None
        detail.show(paper, draft=draft, week_start=self.config.week_start, team=team, cite_key=cite_key,
                    conflict=conflict)
        if paper is None:
            detail.show_pdf(Content(""))
            detail.show_match(None)
            return
        self._show_pdf_line(paper)
        self._show_match(paper.id)
        if self._ranked_inbox():
            detail.show_why(self.inbox_order.why(paper.id), self.inbox_order.note)
        elif self._like is not None:
            detail.show_why(self.like_order.why(paper.id), self.like_order.note, label=f"like #{self._like[0]}")
        else:
            detail.show_why(None)

    def _show_pdf_line(self, paper) -> None:
        from .detail import pdf_content

        record = self.store.pdf_record(paper.key)
        present = record is not None and (self.store.data_dir / record.path).is_file()
        activity = self.pdfs.activity(paper.key)
        if self.detail is None:
            return
        hint_keys = {"fetch": key_of(self.app, "fetch-pdf"), "open": key_of(self.app, "open-link")}
        self.detail.show_pdf(pdf_content(paper, record, present, activity, hint_keys))

    # --- search matches -----------------------------------------------------------------------

    def _show_match(self, paper_id: int) -> None:
        """Say where the search matched the highlighted paper (found off the UI thread)."""
        detail = self.detail
        if detail is None:
            return
        text = self.search_text
        if not text.strip():
            detail.show_match(None)
            return
        try:
            query = parse_query(text, week_start=self.config.week_start, today=self.today)
        except QueryError:
            detail.show_match(None)
            return
        if query.fts_expression() is None and len(query.terms) != 1:
            detail.show_match(None)  # filters only: nothing to point at
            return
        cache_key = (paper_id, text)
        if cache_key in self._matches:
            detail.show_match(self._matches[cache_key], cache_key)
            return
        if detail._match_for is not None and detail._match_for[0] != paper_id:
            detail.show_match(None)  # never show another paper's match meanwhile
        self._find_match(paper_id, text, query)

    @work(thread=True, exclusive=True, group="match", exit_on_error=False)
    def _find_match(self, paper_id: int, text: str, query) -> None:
        match = None
        try:
            match = self.store.search_matches(query, [paper_id]).get(paper_id)
        except (sqlite3.Error, ReadrError):
            match = None
        finally:
            self.store.release_thread_connection()
        self.post_message(MatchFound(paper_id, text, match))

    def on_match_found(self, message: MatchFound) -> None:
        if len(self._matches) > 500:
            self._matches.clear()
        self._matches[(message.paper_id, message.text)] = message.match
        if message.paper_id == self.papers.current_id and message.text == self.search_text and self.detail is not None:
            self.detail.show_match(message.match, (message.paper_id, message.text))

    # --- changes made by other processes ------------------------------------------------------

    def _poll_outside(self, baseline: bool = False) -> None:
        """Once a second: did another connection commit? Then reload the view in place (cursor on
        the same paper), unless a dialog or the editor is open: that waits until it closes."""
        try:
            if self.store.changed_since_last_check():
                self._outside_dirty = True
        except sqlite3.Error:
            return
        if clock.today() != self._shown_day:
            # Past midnight: "today", "this week" and the week headings move with the date.
            self._shown_day = clock.today()
            self._outside_dirty = True
        if baseline or not self._outside_dirty or not self.is_current:
            return
        if any(w.group == "view" and not w.is_finished for w in self.app.workers):
            return  # a load is still running: look again at the next tick
        self._outside_dirty = False
        self._matches.clear()
        self._read_last_synced()  # a `readr sync` in a terminal
        papers = self.papers
        papers.invalidate()
        self.reload(keep=papers.current_id, keep_index=papers.cursor)
        self.show_detail()

    def on_screen_resume(self) -> None:
        if self._outside_dirty:
            self.call_after_refresh(self._poll_outside)

    def current_paper(self):
        paper_id = self.papers.current_id
        if paper_id is None:
            return None
        found = self.store.papers_by_ids([paper_id])
        return found[0] if found else None

    def _after_change(self, keys_changed: list[int], stay: bool = True, keep_selection: bool = False) -> None:
        papers = self.papers
        papers.invalidate(keys_changed)
        if not keep_selection:
            papers.clear_selection()
        keep = papers.current_id if stay else None
        self.reload(keep=keep, keep_index=papers.cursor)
        self.show_detail()
        self._render_status()

    def _push_undo(self, description: str, keys: list[str]) -> None:
        self.undo_stack.append(UndoStep(description, self.store.snapshot(keys), keys))
        del self.undo_stack[:-UNDO_DEPTH]

    # --- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_clear(self) -> None:
        if self.has_class("zoomed"):
            self.action_zoom()
            return
        if self.papers.clear_selection():
            return
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""  # Changed reloads

    def action_view(self, name: str) -> None:
        if self.view == name:
            return
        self.view = name
        self.papers.clear_selection()
        self._loaded_once = False
        self._rank_lands_on_top = True
        self._render_views()
        self.reload(keep_index=0)

    def action_toggle_inbox_order(self) -> None:
        if self.view != "inbox":
            order, inbox = key_of(self.app, "inbox-order"), key_of(self.app, "view-inbox")
            self.notify(f"{order} orders the Inbox (press {inbox}).", timeout=3)
            return
        self.inbox_order.by_relevance = not self.inbox_order.by_relevance
        self._rank_lands_on_top = True
        self.papers.invalidate()
        self.reload(keep_index=0)

    @guarded
    def action_related(self) -> None:
        from .dialogs import RelatedDialog

        paper = self.current_paper()
        if paper is not None:
            self.app.push_screen(RelatedDialog(self.store, paper.key, paper.title), self._go_to_paper)

    def _go_to_paper(self, paper_id: int | None) -> None:
        """The cursor on `paper_id`: in this view when it is here, else in the Catalogue (every paper)."""
        if paper_id is None:
            return
        papers = self.papers
        if paper_id in papers.entries:
            papers.move_cursor(list(papers.entries).index(paper_id))
            return
        if self.search_text:
            with self.prevent(Input.Changed):  # its reload would keep the paper the cursor is on
                self.query_one("#search", Input).value = ""
        self.view = "catalogue"
        papers.clear_selection()
        self._loaded_once = False
        self._render_views()
        self.reload(keep=paper_id, keep_index=0)

    def action_cycle_view(self, step: int) -> None:
        names = shown_views(self.view, self.counts)
        index = names.index(self.view) if self.view in names else 0
        self.action_view(names[(index + step) % len(names)])

    def action_pick_tag_view(self) -> None:
        from .dialogs import TagViewPicker

        def picked(tag: str | None) -> None:
            if tag:
                self.action_view("tag:" + tag)

        self.app.push_screen(TagViewPicker(self.store.tags_with_counts()), picked)

    @guarded
    def action_status(self, status: str) -> None:
        ids = self.papers.target_ids()
        keys = self.store.keys_for(ids)
        if not keys:
            return
        # Marking read twice keeps the first date: nothing to do, nothing to undo.
        if status == "read":
            current = {p.key: p.status for p in self.store.papers_by_ids(ids)}
            if all(current.get(k) == "read" for k in keys):
                self.notify("Already read.", timeout=2)
                return
        what = f"{STATUS_WORDS[status].lower()} ({len(keys)})" if len(keys) > 1 else STATUS_WORDS[status].lower()
        self._push_undo(what, keys)
        try:
            self.store.set_status(keys, status)
        except (ReadrError, sqlite3.Error):
            self.undo_stack.pop()
            raise
        noun = "paper" if len(keys) == 1 else "papers"
        self.notify(f"{STATUS_WORDS[status]}: {len(keys)} {noun}. {key_of(self.app, 'undo')} undoes.", timeout=3)
        self._after_change(ids)

    @guarded
    def action_delete(self) -> None:
        ids = self.papers.target_ids()
        keys = self.store.keys_for(ids)
        if not keys:
            return
        self._push_undo(f"delete ({len(keys)})", keys)
        try:
            self.store.delete(keys)
        except (ReadrError, sqlite3.Error):
            self.undo_stack.pop()
            raise
        noun = "paper" if len(keys) == 1 else "papers"
        self.notify(f"Deleted {len(keys)} {noun}. {key_of(self.app, 'undo')} undoes.", timeout=4)
        self._after_change(ids, stay=False)

    @guarded
    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", timeout=2)
            return
        step = self.undo_stack[-1]
        self.store.restore(step.snapshots)
        self.undo_stack.pop()  # only once restored: a refused undo can be tried again
        restored = [s["row"]["id"] for s in step.snapshots]
        self.notify(f"Undone: {step.description}.", timeout=3)
        self.papers.invalidate(restored)
        self.reload(keep=restored[0] if restored else None, keep_index=self.papers.cursor)
        self.show_detail()
        self._render_status()

    @guarded
    def action_tag(self) -> None:
        from .dialogs import TagDialog

        ids = self.papers.target_ids()
        keys = self.store.keys_for(ids)
        if not keys:
            return
        current = self.store.get(keys[0]).tags if len(keys) == 1 else []

        self.app.push_screen(
            TagDialog(self.store.tag_names(), len(keys), current), functools.partial(self._apply_tags, ids, keys)
        )

    @guarded
    def _apply_tags(self, ids: list[int], keys: list[str], result) -> None:
        if not result:
            return
        add, remove = result
        self._push_undo(f"tag ({len(keys)})", keys)
        try:
            if add:
                self.store.add_tags(keys, add)
            if remove:
                self.store.remove_tags(keys, remove)
        except (ReadrError, sqlite3.Error):
            self.undo_stack.pop()
            raise
        change = " ".join([*("#" + t for t in add), *("-#" + t for t in remove)])
        noun = "paper" if len(keys) == 1 else "papers"
        self.notify(f"Tagged {len(keys)} {noun}: {clean_line(change)}", timeout=3)
        self._after_change(ids, keep_selection=True)  # tagging one selection several times is common

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not getattr(self.app, "exiting", False)  # keys typed after quit open nothing

    @guarded
    def action_edit(self) -> None:
        from .editor import SummaryEditor

        paper = self.current_paper()
        if paper is None:
            return

        self.app.push_screen(
            SummaryEditor(self.store, paper.key, self.drafts, self.config.autosave_seconds),
            functools.partial(self._edited, paper.id),
        )

    @guarded
    def _edited(self, paper_id: int, saved) -> None:
        self.papers.invalidate([paper_id])
        self.show_detail()
        if saved:
            self.notify("Summary saved.", timeout=2)

    @guarded
    def action_edit_metadata(self) -> None:
        from .metadata import MetadataDialog

        paper = self.current_paper()
        if paper is not None:
            self.app.push_screen(MetadataDialog(paper, functools.partial(self._save_metadata, paper)))

    def _save_metadata(self, paper, changes: dict) -> bool:
        """Store the dialog's changes (undoable); False, with a notice, when the library refuses."""
        with write_or_notify(self.app, "Details not saved") as attempt:
            self._push_undo(f"details of {paper.key}", [paper.key])
            try:
                self.store.edit_metadata(paper.key, **changes)
            except (ReadrError, sqlite3.Error):
                self.undo_stack.pop()
                raise
        if attempt.failed:
            return False
        self.notify(f"Details of {paper.key} saved. {key_of(self.app, 'undo')} undoes.", timeout=3)
        self._after_change([paper.id])
        return True

    @guarded
    def action_edit_external(self) -> None:
        from textual.app import SuspendNotSupported

        from ..errors import SummaryConflict
        from ..summaries import edit_summary_in_editor

        paper = self.current_paper()
        if paper is None:
            return
        edit = key_of(self.app, "edit")
        kept = f"What you wrote is kept as a draft: {edit} opens it."
        with write_or_notify(self.app, "Summary not saved", kept) as attempt:
            try:
                with self.app.suspend():
                    saved = edit_summary_in_editor(self.store, paper.key)
            except SuspendNotSupported:
                self.notify(f"This terminal cannot hand over to $EDITOR; press {edit} for the built-in editor.",
                            severity="warning")
                return
            except SummaryConflict as exc:
                self.notify(f"{exc}: {edit} opens it, and saving it there replaces the other version.",
                            severity="error")
                return
            except ReadrError as exc:
                self.notify(str(exc), severity="error")
                return
        if attempt.failed:
            return
        self.papers.invalidate([paper.id])
        self.show_detail()
        if saved is not None:
            self.notify("Summary saved.", timeout=2)

    @guarded
    def action_add(self) -> None:
        from .dialogs import AddDialog

        self.app.push_screen(AddDialog(self.store, self.app.client_factory), self._added)

    @guarded
    def _added(self, report) -> None:
        if report is None:
            return
        added = len(report.added)
        self.notify("\n".join(report.lines()), title=f"Added {added} paper{'s' if added != 1 else ''}",
                    severity="warning" if report.failed else "information", timeout=8 if report.failed else 4)
        keep = report.added[0].id if report.added else None
        self.reload(keep=keep)

    # --- sync ---------------------------------------------------------------------------------

    @guarded
    def action_sync(self) -> None:
        """One `readr sync` round in a worker (the same core function), with the remote and the
        name the library remembers from a first `readr sync REMOTE --as NAME`."""
        if self.syncing:
            self.notify("A sync is already running.", timeout=3)
            return
        if not (self.store.get_meta("sync.remote") and self.store.get_meta("sync.reader")):
            self.notify(
                "This library has no shared repository yet. Run readr sync REMOTE --as NAME once in a "
                "terminal (REMOTE: a git URL or path, NAME: how the team sees you); then sync from here.",
                title="Not synced", severity="warning", timeout=12,
            )
            return
        self.syncing = True
        self._sync_stage = ""
        self._render_status()
        self._sync_worker()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self) -> None:
        from ..sync import sync

        report = None
        try:
            report = sync(self.store, progress=self._post_sync_progress)
        finally:
            self.store.release_thread_connection()
            # Posted on failure too (the error itself is the worker's, noticed by the app).
            self.post_message(SyncFinished(report))

    def _post_sync_progress(self, stage: str) -> None:
        self.post_message(SyncProgress(stage))  # from the worker's thread: the message carries it over

    def on_sync_progress(self, message: SyncProgress) -> None:
        if self.syncing:
            self._sync_stage = message.stage
            self._render_status()

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.syncing = False
        self._sync_stage = ""
        self._read_last_synced()
        report = message.report
        if report is not None:
            lines = [report.line(), *report.skipped[:5]]
            if len(report.skipped) > 5:
                lines.append(f"… and {len(report.skipped) - 5} more (readr sync in a terminal lists them)")
            warn = bool(report.conflicts or report.skipped)
            self.notify("\n".join(lines), title="Synced", severity="warning" if warn else "information",
                        timeout=12 if warn else 5)
        self._matches.clear()
        papers = self.papers
        papers.invalidate()
        self.reload(keep=papers.current_id, keep_index=papers.cursor)
        self.show_detail()

    @guarded
    def action_digest_preview(self) -> None:
        from ..weeks import as_date
        from .digest_preview import DigestPreview

        # On the highlighted paper's reading week when it is read (a paper read in 2022 opens
        # 2022's week), else on this week.
        paper = self.current_paper()
        day = as_date(paper.read_at) if paper is not None and paper.status == "read" and paper.read_at else None
        self.app.push_screen(DigestPreview(self.store, self.config, day=day))

    @guarded
    def action_open_link(self) -> None:
        self._open(prefer="pdf")

    def _open(self, prefer: str) -> None:
        """The PDF in the viewer (never through a shell), else the web page in the browser."""
        from ..pdfs.open import open_paper

        paper = self.current_paper()
        if paper is None:
            return
        browse = prefer == "url" or self.store.pdf_path(paper.key) is None
        if browse and _browser_needs_terminal():
            # A console browser (w3m, lynx: no graphical display) needs the terminal: hand it over.
            from textual.app import SuspendNotSupported

            try:
                with self.app.suspend():
                    opened = open_paper(self.store, paper.key, prefer=prefer)
            except SuspendNotSupported:
                opened = open_paper(self.store, paper.key, prefer=prefer)
        else:
            opened = open_paper(self.store, paper.key, prefer=prefer)
        what = "the PDF" if opened.what == "pdf" else opened.target
        self.notify(f"Opening {what}", timeout=2)

    @guarded
    def action_copy_menu(self) -> None:
        from ..bibtex import cite_key_of
        from .dialogs import CopyChooser

        paper = self.current_paper()
        if paper is None:
            return
        previews = {"key": cite_key_of(self.store, paper), "link": paper.link or "(none)"}

        def picked(kind: str | None) -> None:
            if kind:
                self.action_copy(kind)

        self.app.push_screen(CopyChooser(previews), picked)

    @guarded
    def action_copy(self, what: str) -> None:
        """Copy the paper's citation key, BibTeX entry, link or digest line (readr.bibtex.COPY_KINDS)."""
        from ..bibtex import COPY_KINDS, clipboard_text

        paper = self.current_paper()
        if paper is None:
            return
        text = clipboard_text(self.store, paper, what)
        if not text:
            self.notify(f"This paper has no {COPY_KINDS[what]} to copy.", timeout=2, markup=False)
            return
        self.app.copy_to_clipboard(text)
        first = clean_line(text.splitlines()[0])
        shown = first if len(first) <= 60 else first[:59] + "…"
        self.notify(f"Copied the {COPY_KINDS[what]}: {shown}", timeout=2, markup=False)
        if what in ("key", "bibtex"):
            self.show_detail()  # the key is kept now

    # --- PDFs ---------------------------------------------------------------------------------

    @guarded
    def action_fetch_pdfs(self) -> None:
        ids = self.papers.target_ids()
        keys = self.store.keys_for(ids)
        if not keys:
            return
        if not self.pdfs.add(keys):
            self.notify("Already downloading.", timeout=2)
            return
        self.papers.clear_selection()
        self._render_status()
        self.show_detail()

    def stop_pdf_downloads(self) -> None:
        """Drop the queue; the paper being fetched finishes."""
        dropped = self.pdfs.drop_queued()
        self.notify(f"Stopped: {dropped} PDF{'s' if dropped != 1 else ''} not fetched.", timeout=3)
        self._render_status()
        self.show_detail()

    def on_pdf_progress(self, message: PdfProgress) -> None:
        self._render_status()
        paper = self.current_paper_quiet()
        if paper is not None and paper.key == message.key:
            self._show_pdf_line(paper)

    def on_pdf_finished(self, message: PdfFinished) -> None:
        outcome = message.outcome
        name = outcome.key or outcome.ref
        self.pdfs.paper_done(outcome)
        if outcome.status == "failed":
            self.notify(f"{name}: {outcome.message}", title="PDF not fetched", severity="error", timeout=10)
        elif outcome.status == "damaged":
            self.notify(f"{name}: {outcome.message}", title="PDF damaged", severity="warning", timeout=8)
        self._matches.clear()
        self.papers.invalidate()
        self._render_status()
        self.show_detail()

    def on_pdf_batch_done(self, message: PdfBatchDone) -> None:
        batch = self.pdfs.batch_done()
        last = batch.last
        if batch.done == 1 and last is not None and last.status == "ok":
            pages = f" ({last.pages} pages)" if last.pages else ""
            verb = "Downloaded and indexed" if last.downloaded else "Indexed"
            self.notify(f"{verb} the PDF of {last.key}{pages}. {key_of(self.app, 'open-link')} opens it.", timeout=4)
        elif batch.done > 1:
            bits = [f"{batch.ok} indexed"]
            if batch.failed:
                bits.append(f"{batch.failed} failed")
            self.notify("PDFs: " + ", ".join(bits) + ".", timeout=5,
                        severity="warning" if batch.failed else "information")
        self._render_status()
        self.show_detail()
        if batch.more_queued:
            self.pdfs.start_next_batch()

    def current_paper_quiet(self):
        try:
            return self.current_paper()
        except (ReadrError, sqlite3.Error):
            return None

    @guarded
    def action_open_web(self) -> None:
        self._open(prefer="url")

    def action_zoom(self) -> None:
        zoomed = not self.has_class("zoomed")
        self.set_class(zoomed, "zoomed")
        if zoomed:
            if self.detail is not None:
                self.detail.focus()
        else:
            self.papers.focus()


def _browser_needs_terminal() -> bool:
    """True when Python's webbrowser would run a browser in this terminal and wait for it."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return type(browser) is webbrowser.GenericBrowser


