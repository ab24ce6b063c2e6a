"""Loading a view's (or a search's) id list off the UI thread.

All SQL that may be slow (a view's id list, a search, the views' counts) runs in one thread
worker that only posts `ViewLoaded` messages. Each load has a generation number: the screen
ignores the answers of older ones, and a new load interrupts the stale query on the worker's
own connection (`Connection.interrupt()`) instead of waiting for it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from ..errors import ReadrError
from ..store.views import ViewResult
from .messages import ViewLoaded

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ..query import Query
    from ..store import Store

FIRST_PAGE = 300  # rows read for the first frame of a view; the rest follows from the worker
WORKER_GROUP = "view"


class ViewLoader:
    """Runs a view's loads for `owner` (the screen), which receives their `ViewLoaded` messages."""

    def __init__(self, owner: DOMNode, store: Store, week_start: int) -> None:
        self._owner = owner
        self._store = store
        self._week_start = week_start
        self.generation = 0  # the newest load; answers of older ones are stale
        self._loading: int | None = None  # the generation a worker is computing, if any
        self._worker_conn: sqlite3.Connection | None = None
        self._conn_lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """A load's worker is still computing (a keystroke now is part of a burst)."""
        return self._loading is not None

    def load(self, view: str, query: Query, *, with_counts: bool, first_page_now: bool = False) -> ViewLoaded | None:
        """Start a new load (interrupting any stale query). With `first_page_now` the first page
        is read here, on the UI thread (1-2 ms at a million papers), and returned for the caller
        to show at once; the worker reads the rest and the counts after the next frame."""
        self.generation += 1
        self.interrupt()
        shown = None
        first = None
        if first_page_now and query.fts_expression() is None:
            try:
                shown = self._store.view_ids(view, query, week_start=self._week_start, limit=FIRST_PAGE)
            except (ReadrError, sqlite3.Error):
                shown = None  # the worker reads it and reports the error
            else:
                first = ViewLoaded(self.generation, shown, None, 0.0, partial=True)
        self._loading = self.generation
        if first_page_now and shown is not None:
            # A worker started now would compete with the first frame for the interpreter.
            self._owner.call_after_refresh(self._start, self.generation, view, query, with_counts, shown)
        else:
            self._start(self.generation, view, query, with_counts, shown)
        return first

    def interrupt(self) -> None:
        """Stop the query the worker is running, if any (its load is stale)."""
        with self._conn_lock:
            if self._worker_conn is not None:
                self._store.interrupt_thread_connection(self._worker_conn)

    def _start(self, generation: int, view: str, query: Query, with_counts: bool, shown: ViewResult | None) -> None:
        self._owner.run_worker(
            lambda: self._load(generation, view, query, with_counts, shown),
            name="_load", group=WORKER_GROUP, thread=True, exclusive=True, exit_on_error=False,
        )

    def _load(self, generation: int, view: str, query: Query, with_counts: bool, shown: ViewResult | None) -> None:
        store, post = self._store, self._owner.post_message
        started = time.perf_counter()
        conn = store.conn
        with self._conn_lock:
            self._worker_conn = conn
        try:
            if generation != self.generation:
                return
            if shown is not None and not shown.partial:  # the first page was all of it
                counts = store.status_counts() if with_counts else None
                post(ViewLoaded(generation, shown, counts, time.perf_counter() - started))
                return
            if query.fts_expression() is None and shown is None:
                first = store.view_ids(view, query, week_start=self._week_start, limit=FIRST_PAGE)
                if first.partial:
                    post(ViewLoaded(generation, first, None, time.perf_counter() - started, partial=True))
                else:
                    counts = store.status_counts() if with_counts else None
                    post(ViewLoaded(generation, first, counts, time.perf_counter() - started))
                    return
            if generation != self.generation:
                return
            result = store.view_ids(view, query, week_start=self._week_start)
            counts = store.status_counts() if with_counts else None
            post(ViewLoaded(generation, result, counts, time.perf_counter() - started))
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc).lower():
                post(ViewLoaded(generation, None, None, 0.0, error=str(exc)))
        except ReadrError as exc:
            post(ViewLoaded(generation, None, None, 0.0, error=str(exc)))
        finally:
            with self._conn_lock:
                if self._worker_conn is conn:
                    self._worker_conn = None
                store.release_thread_connection()
            if self._loading == generation:
                self._loading = None
