"""The TUI's one error path: a write the library refuses (read-only, locked, full disk, a paper
deleted meanwhile) or a background worker that fails is a notice, never a traceback.

Every write from the TUI runs inside `write_or_notify` (actions through `guarded`, dialogs and the
editor directly); a worker that ends in error is reported by `ReadrApp.on_worker_state_changed`,
to which the screens that own workers relay their workers' state changes (`RelayWorkerStates`).
"""

from __future__ import annotations

import functools
import sqlite3
from typing import TYPE_CHECKING

from textual.worker import Worker

from ..errors import ReadrError
from ..store.connection import describe_database_error

if TYPE_CHECKING:
    from textual.app import App

# What a write can fail with that the user can act on; anything else is a bug and stays loud.
WRITE_FAILURES = (ReadrError, sqlite3.Error, OSError)


def failure_text(exc: BaseException, library=None) -> str:
    """One plain line for a failure: SQLite's wording made readable where readr knows it."""
    if isinstance(exc, sqlite3.DatabaseError):
        described = describe_database_error(exc, library)
        if described:
            return described
    return str(exc) or exc.__class__.__name__


class write_or_notify:
    """Run a store write; a failure becomes an error notice and `failed` is True.

        with write_or_notify(app, "Summary not saved", "Your text is kept as a draft.") as attempt:
            store.set_summary(...)
        if attempt.failed:
            ...
    """

    def __init__(self, app, title: str = "Not done", advice: str = ""):
        self.app = app
        self.title = title
        self.advice = advice
        self.failed = False
        self.error: BaseException | None = None

    def __enter__(self) -> "write_or_notify":
        return self

    def __exit__(self, kind, exc, traceback) -> bool:
        if exc is None or not isinstance(exc, WRITE_FAILURES):
            return False
        self.failed, self.error = True, exc
        library = getattr(getattr(self.app, "store", None), "path", None)
        message = failure_text(exc, library)
        if self.advice:
            message = f"{message.rstrip('.')}. {self.advice}"
        self.app.notify(message, title=self.title, severity="error", timeout=10)
        return True


def guarded(method):
    """An action of a screen that writes (or reads a paper another process may have deleted):
    its failure is a notice through `write_or_notify`, the app keeps running."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with write_or_notify(self.app):
            return method(self, *args, **kwargs)
        return None

    return run


# How a failed worker is named in its notice, by worker group.
WORKER_TASKS = {
    "view": "Loading the list",
    "match": "Finding where the search matched",
    "pdfs": "Fetching PDFs",
    "add": "Asking arXiv",
    "sync": "Syncing",
}


def worker_failure_notice(worker: Worker, library=None) -> tuple[str, str]:
    """(title, message) of the notice for a worker that ended in error."""
    task = WORKER_TASKS.get(worker.group) or worker.name or "A background task"
    error = worker.error or RuntimeError("unknown error")
    return f"{task} failed", failure_text(error, library)


class RelayWorkerStates:
    """For screens that run workers: Textual tells only a worker's own screen about its state
    (Worker.StateChanged does not bubble); the app handles them all in one place."""

    if TYPE_CHECKING:
        app: App[object]  # the screen's (Textual's MessagePump.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.post_message(Worker.StateChanged(event.worker, event.state))
