"""The `readr` command line.

`readr.cli.app` is the Typer application with every command registered. It is built on first
access (PEP 562), so that importing a light module of this package -- readr.cli.fast, .output,
.actions -- does not import Typer: `readr` (the TUI) and `readr search` start without it
(readr/__main__.py tries readr.cli.fast first).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any



def __getattr__(name: str) -> Any:
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_app():
    # Simple parameters are coerced without importing pydantic (start-up time; see fastparams).
    from .fastparams import install

    install()
    # Each module registers its commands on app; keep heavy imports inside the commands.
    from . import (  # noqa: F401
        arxiv_cmds, export, imports, library, maintenance, pdf_cmds, rank_cmd, sync_cmd, takeaways,
    )
    from .typer_app import app

    globals()["app"] = app
    return app
