"""The readr TUI (Textual). `make_app()` builds the app for the CLI and the tests; `run_tui()` runs it.

Only the CLI's TUI commands import this package: Textual stays off `readr search`'s start-up path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

__all__ = ["make_app", "run_tui"]


def make_app(db_path: Path | str, demo: bool = False, config=None, client_factory: Callable | None = None):
    """The app on the library at `db_path`. `config` defaults to the user's config file,
    `client_factory` to a real arXiv client. The date comes from `readr.clock`."""
    from .app import ReadrApp

    return ReadrApp(Path(db_path), demo=demo, config=config, client_factory=client_factory)


def run_tui(db_path: Path | str, demo: bool = False) -> None:
    import gc

    # Start-up builds tens of thousands of long-lived objects (modules, styles, widgets), and a
    # full collection among them cost 25-35 ms of the first frame (measured at 1M papers).
    # Collect nothing until the first frame is on screen; then the app freezes those objects
    # out of every later collection, which keeps pauses short while the reader types.
    gc.disable()
    app = make_app(db_path, demo=demo)
    app.resume_gc_after_first_frame = True
    app.run()
