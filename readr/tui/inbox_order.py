"""The Inbox by relevance: ranking its ids off the UI thread, and ordering new loads by the last
scores meanwhile.

After every load of the Inbox (a view switch, a triage key, a write by another process) a thread
worker calls the core's `rank_ids`, which retrains the reader's model when the triage changed,
and posts `InboxRanked`. Until its answer comes, a load is ordered by the scores already known,
so a triage key leaves the list in the order the reader saw, the cursor on the next paper.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

from ..record import replace
from .messages import InboxRanked

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ..ranking import RankedIds
    from ..store import Store
    from ..store.views import ViewResult

WORKER_GROUP = "ranking"


class InboxOrder:
    """The Inbox's order for `owner` (the screen), which receives the `InboxRanked` messages."""

    def __init__(self, owner: DOMNode, store: Store) -> None:
        self._owner = owner
        self._store = store
        self.by_relevance = True  # the reader's choice (one key switches it)
        self.ranked: RankedIds | None = None  # the last answer: scores and reasons, or the note
        self.error: str | None = None  # the last ranking failed: arrival order, and why
        self.ranking = False  # a worker is ranking

    @property
    def scores(self) -> dict[int, float]:
        return self.ranked.scores if self.ranked is not None else {}

    def why(self, paper_id: int) -> tuple[float | None, list[str]] | None:
        """The score and reasons of a ranked paper; in arrival order the reasons alone of a paper
        the reader's rules moved; else None."""
        return self.ranked.explain(paper_id) if self.ranked is not None else None

    def ordered(self, result: ViewResult) -> ViewResult:
        """`result` by the scores known so far (papers not scored yet last, in arrival order)."""
        scores = self.scores
        if not scores:
            return result
        ids = sorted(result.ids, key=lambda i: -scores.get(i, float("-inf")))
        return replace(result, ids=array("q", ids))

    def start(self, generation: int, ids: list[int]) -> None:
        """Rank `ids` (the Inbox of load `generation`) in a thread worker."""
        self.ranking = True
        self._owner.run_worker(
            lambda: self._rank(generation, ids),
            name="_rank_inbox", group=WORKER_GROUP, thread=True, exclusive=True, exit_on_error=False,
        )

    def _rank(self, generation: int, ids: list[int]) -> None:
        from ..ranking import rank_ids

        try:
            ranked = rank_ids(self._store, ids)
        except Exception as exc:  # a failed ranking leaves the Inbox in arrival order, not the TUI down
            self._owner.post_message(InboxRanked(generation, None, error=f"{type(exc).__name__}: {exc}"))
            return
        finally:
            self._store.release_thread_connection()
        self._owner.post_message(InboxRanked(generation, ranked))

    def answer(self, message: InboxRanked) -> None:
        self.ranking = False
        self.error = message.error
        if message.ranked is not None:
            self.ranked = message.ranked

    @property
    def note(self) -> str | None:
        """Why the Inbox is in arrival order though the reader asked for relevance (the detail
        pane shows it: the status line has no room for it), else None."""
        if not self.by_relevance:
            return None
        if self.error is not None:
            return f"in arrival order: ranking failed ({self.error})"
        return self.ranked.note if self.ranked is not None else None

    def status(self, key: str) -> str:
        """What the status line says of the Inbox's order; `key` switches it."""
        if not self.by_relevance:
            return f"in arrival order ({key}: by relevance)"
        if self.error is not None:
            return "in arrival order: ranking failed (see details)"
        if self.ranked is None:
            return "ranking by relevance…"
        if self.ranked.note is not None:
            return "in arrival order: too little history (see details)"
        return f"by relevance ({key}: arrival order)"
