"""The library store: the only place readr speaks SQL.

`Store(path)` opens (creating and migrating) a library. Each thread that uses a Store gets
its own SQLite connection; all writes are BEGIN IMMEDIATE transactions.

The names below are loaded on first use (PEP 562): `readr search` and `readr list` open a
SearchStore (readr.store.search) and never import the other parts, which would cost them about a
tenth of their start-up.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..statuses import STATUSES
    from .connection import head_version, now_iso
    from .library import Store
    from .papers import Paper, normalize_tag, web_key
    from .ranking import RankingRow, RuleFields
    from .search import CANDIDATES, SearchHit

__all__ = [
    "Store", "Paper", "RankingRow", "RuleFields", "SearchHit", "STATUSES", "CANDIDATES", "now_iso", "head_version",
    "normalize_tag", "web_key",
]

_HOMES = {
    "Store": ".library", "Paper": ".papers", "normalize_tag": ".papers", "web_key": ".papers",
    "RankingRow": ".ranking", "RuleFields": ".ranking", "SearchHit": ".search", "CANDIDATES": ".search",
    "now_iso": ".connection", "head_version": ".connection", "STATUSES": "..statuses",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
