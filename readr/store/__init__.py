"""The library store: the only place readr speaks SQL.

`Store(path)` opens (creating and migrating) a library. Each thread that uses a Store gets
its own SQLite connection; all writes are BEGIN IMMEDIATE transactions.

The names below are loaded on first use (PEP 562): `readr search` and `readr list` open a
SearchStore (readr.store.search) and never import the other parts, which would cost them about a
tenth of their start-up.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # the names for mypy, as re-exports ("X as X"); at run time __getattr__ loads them
    from ..statuses import STATUSES as STATUSES
    from .connection import head_version as head_version, now_iso as now_iso
    from .library import Store as Store
    from .papers import Paper as Paper, normalize_tag as normalize_tag, web_key as web_key
    from .ranking import RankingRow as RankingRow, RuleFields as RuleFields
    from .search import CANDIDATES as CANDIDATES, SearchHit as SearchHit

# Each name readr.store exports, and the module it comes from.
_HOMES = {
    "Store": ".library", "Paper": ".papers", "normalize_tag": ".papers", "web_key": ".papers",
    "RankingRow": ".ranking", "RuleFields": ".ranking", "SearchHit": ".search", "CANDIDATES": ".search",
    "now_iso": ".connection", "head_version": ".connection", "STATUSES": "..statuses",
}
__all__ = list(_HOMES)


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
