"""The readr TUI (Textual). `make_app()` builds the app for the CLI and the tests; `run_tui()` runs it.

Only the CLI's TUI commands import this package: Textual stays off `readr search`'s start-up path.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

__all__ = ["make_app", "run_tui"]


def make_app(db_path: Path | str, demo: bool = False, config=None, today: date | None = None,
             client_factory: Callable | None = None):
    """The app on the library at `db_path`. `config` defaults to the user's config file,
    `today` to the real date, `client_factory` to a real arXiv client."""
    from .app import ReadrApp

    return ReadrApp(Path(db_path), demo=demo, config=config, today=today, client_factory=client_factory)


def run_tui(db_path: Path | str, demo: bool = False) -> None:
    app = make_app(db_path, demo=demo)
    app.run()
