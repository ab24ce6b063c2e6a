"""A `like:TAG` search in the TUI: its matches ordered by the tag's model, off the UI thread.

After a search with `like:` has loaded its ids (readr.tui.view_loader), a thread worker calls the
core's `rank_like`, which trains the tag's model when its papers changed, and posts `LikeRanked`.
Until then the matches show in the search's usual order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .messages import LikeRanked

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ..ranking import RankedIds
    from ..store import Store

WORKER_GROUP = "like"


class LikeOrder:
    """The order of a like: search for `owner` (the screen), which receives `LikeRanked`."""

    def __init__(self, owner: DOMNode, store: Store) -> None:
        self._owner = owner
        self._store = store
        self.tag: str | None = None  # the tag of the search on screen, if it has like:
        self.ranked: RankedIds | None = None
        self.error: str | None = None
        self.bad_query = False  # the error is the search's (no paper has the tag): the status line says it
        self.ranking = False

    def start(self, generation: int, tag: str, ids: list[int], also_tagged: bool) -> None:
        """Rank `ids` (the matches of load `generation`) by the model of `tag` in a thread worker."""
        self.tag, self.ranked, self.error, self.bad_query, self.ranking = tag, None, None, False, True
        self._owner.run_worker(
            lambda: self._rank(generation, tag, ids, also_tagged),
            name="_rank_like", group=WORKER_GROUP, thread=True, exclusive=True, exit_on_error=False,
        )

    def clear(self) -> None:
        self.tag, self.ranked, self.error, self.bad_query, self.ranking = None, None, None, False, False

    def _rank(self, generation: int, tag: str, ids: list[int], also_tagged: bool) -> None:
        from ..errors import QueryError
        from ..tag_ranking import rank_like

        try:
            ranked = rank_like(self._store, tag, ids, also_tagged=also_tagged)
        except QueryError as exc:  # no paper has the tag: said like any other error in the search
            self._owner.post_message(LikeRanked(generation, None, error=str(exc), bad_query=True))
            return
        except Exception as exc:  # a failed ranking leaves the usual order, not the TUI down
            self._owner.post_message(LikeRanked(generation, None, error=f"{type(exc).__name__}: {exc}"))
            return
        finally:
            self._store.release_thread_connection()
        self._owner.post_message(LikeRanked(generation, ranked))

    def answer(self, message: LikeRanked) -> None:
        self.ranking = False
        self.error = message.error
        self.bad_query = message.bad_query
        self.ranked = message.ranked

    @property
    def scores(self) -> dict[int, float]:
        return self.ranked.scores if self.ranked is not None else {}

    def why(self, paper_id: int) -> tuple[float | None, list[str]] | None:
        """The score and reasons of a paper (reasons alone from the rules in the usual order)."""
        return self.ranked.explain(paper_id) if self.ranked is not None else None

    @property
    def note(self) -> str | None:
        if self.error is not None and not self.bad_query:
            return f"in the usual order: like:{self.tag} failed ({self.error})"
        return self.ranked.note if self.ranked is not None else None

    def status(self) -> str:
        """What the status line says of the order of the matches."""
        if self.bad_query:
            return ""
        if self.error is not None:
            return f"like:{self.tag} failed (see details)"
        if self.ranked is None:
            return f"ranking by like:{self.tag}…"
        if self.ranked.note is not None:
            return f"in the usual order: too few papers tagged {self.tag} (see details)"
        return f"most like #{self.tag} first"
