"""`readr sync`: the reader's notes shared through a git repository with their other machines and
their team (one Markdown file per reader per paper; see readr.sync.notes and readr.sync.round)."""

from __future__ import annotations

from .git import GitError
from .round import SyncReport, sync

__all__ = ["GitError", "SyncReport", "sync"]
