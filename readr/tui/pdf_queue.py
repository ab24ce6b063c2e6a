"""The TUI's PDF downloads: a queue of paper keys drained by one thread worker.

The worker runs the core batch function (`readr.pdfs.download.fetch_pdfs`, the one `readr pdf`
calls) on a generator that pops the queue, so papers queued while it runs are fetched in the
same batch. The core's events become `PdfProgress`/`PdfFinished` messages, and one
`PdfBatchDone` ends the batch; the worker never touches a widget.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable, Iterator

from ..record import record
from ..sanitize import clean_line
from .messages import PdfBatchDone, PdfFinished, PdfProgress

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ..pdfs.download import Outcome, PdfEvent
    from ..store import Store

PROGRESS_EVERY = 0.25  # seconds between byte-count updates of a PDF download
WORKER_GROUP = "pdfs"


@record
class BatchSummary:
    """How a batch went, for its closing notice."""

    done: int
    ok: int
    failed: int
    last: Outcome | None  # the last paper's outcome (a one-paper batch names it)
    more_queued: bool  # papers were queued after the worker had decided to stop


def _zero_counts() -> dict[str, int]:
    return {"done": 0, "total": 0, "ok": 0, "failed": 0, "downloaded": 0}


class PdfQueue:
    """What is queued, what is being fetched (and how far), and the batch's counts. Methods
    without a lock in their name run on the UI thread; the worker shares state under `_lock`."""

    def __init__(self, owner: DOMNode, store: Store, client_factory: Callable) -> None:
        self._owner = owner
        self._store = store
        self._client_factory = client_factory
        self._lock = threading.Lock()
        self._queue: list[str] = []
        self._current: str | None = None
        self._activity: dict[str, str] = {}  # key -> what the worker does with it ("waiting", ...)
        self._counts = _zero_counts()
        self._last: Outcome | None = None
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def add(self, keys: list[str]) -> int:
        """Queue the keys not already queued or being fetched (and start the worker); how many."""
        with self._lock:
            new = [k for k in keys if k not in self._queue and k != self._current]
            self._queue.extend(new)
            for key in new:
                self._activity[key] = "waiting to download…"
            self._counts["total"] += len(new)
            start = bool(new) and not self._running
            if start:
                self._running = True
        if start:
            self._start()
        return len(new)

    def drop_queued(self) -> int:
        """Forget the papers still waiting (the one being fetched finishes); how many."""
        with self._lock:
            dropped = len(self._queue)
            for key in self._queue:
                self._activity.pop(key, None)
            self._queue.clear()
            self._counts["total"] -= dropped
        return dropped

    def activity(self, key: str) -> str | None:
        """What is happening to this paper's PDF ("waiting to download…", ...), if anything."""
        with self._lock:
            return self._activity.get(key)

    def status(self) -> str:
        """The status line's part: "PDF 2/5 KEY: downloading 1.2 MB", or "" when idle."""
        with self._lock:
            if not self._running:
                return ""
            counts = dict(self._counts)
            current = self._current
            activity = self._activity.get(current, "") if current else ""
        where = f"PDF {min(counts['done'] + 1, counts['total'])}/{counts['total']}"
        if current:
            return f"{where} {clean_line(current)}: {activity}"
        return where

    def paper_done(self, outcome: Outcome) -> None:
        """Count a `PdfFinished` (on the UI thread, in message order)."""
        with self._lock:
            self._counts["done"] += 1
            self._counts["ok" if outcome.status == "ok" else "failed"] += 1
            self._counts["downloaded"] += int(outcome.downloaded)
        self._last = outcome

    def batch_done(self) -> BatchSummary:
        """Close a batch on its `PdfBatchDone`."""
        with self._lock:
            counts = self._counts
            self._counts = _zero_counts()
            self._running = False
            more_queued = bool(self._queue)
        summary = BatchSummary(counts["done"], counts["ok"], counts["failed"], self._last, more_queued)
        self._last = None
        return summary

    def start_next_batch(self) -> None:
        """Fetch the papers queued after the worker had already decided to stop."""
        with self._lock:
            if self._running or not self._queue:
                return
            self._running = True
            self._counts["total"] = len(self._queue)
        self._start()

    # --- the worker ---------------------------------------------------------------------------

    def _start(self) -> None:
        self._owner.run_worker(self._drain, name="_pdf_worker", group=WORKER_GROUP, thread=True, exclusive=True,
                               exit_on_error=False)

    def _queued(self) -> Iterator[str]:
        while True:
            with self._lock:
                if not self._queue:
                    return
                key = self._queue.pop(0)
                self._current = key
            yield key

    def _drain(self) -> None:
        from textual.worker import get_current_worker

        from ..pdfs import download

        worker = get_current_worker()
        last_bytes = [0.0]

        def on_event(event: PdfEvent) -> None:
            if event.kind == "start":
                last_bytes[0] = 0.0
                self._set_activity(event.ref, "starting…")
            elif event.kind == "stage":
                self._set_activity(event.ref, "downloading…" if event.stage == "downloading" else event.stage + "…")
            elif event.kind == "bytes":
                now = time.monotonic()
                total = event.total_bytes
                if now - last_bytes[0] >= PROGRESS_EVERY or (total and event.done_bytes >= total):
                    last_bytes[0] = now
                    size = f"{event.done_bytes / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
                    self._set_activity(event.ref, f"downloading {size}")
            elif event.kind == "done" and event.outcome is not None:
                with self._lock:
                    self._current = None
                    self._activity.pop(event.ref, None)
                self._owner.post_message(PdfFinished(event.outcome))

        try:
            # retry_failed: f again on a paper whose PDF could not be read reads it again.
            download.fetch_pdfs(self._store, self._queued(), client=self._client_factory, retry_failed=True,
                                on_event=on_event, should_stop=lambda: worker.is_cancelled)
        finally:
            with self._lock:
                self._current = None
                if worker.is_cancelled:
                    for key in self._queue:
                        self._activity.pop(key, None)
                    self._queue.clear()
            self._store.release_thread_connection()
            self._owner.post_message(PdfBatchDone())

    def _set_activity(self, key: str, activity: str) -> None:
        with self._lock:
            self._activity[key] = activity
        self._owner.post_message(PdfProgress(key, activity))
