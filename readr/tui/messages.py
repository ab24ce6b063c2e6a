"""Every message the library screen's workers post to it. Workers never touch a widget: they
post one of these and the screen's handler (`on_view_loaded`, `on_pdf_finished`, ...) updates
the display on the UI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..pdfs.download import Outcome
    from ..ranking import RankedIds
    from ..store.search import SearchMatch
    from ..store.views import ViewResult
    from ..sync import SyncReport


class ViewLoaded(Message, bubble=False):
    """A view's (or search's) id list, all of it or its first page (`partial`), or an error."""

    def __init__(self, generation: int, result: ViewResult | None, counts: dict | None, elapsed: float,
                 partial: bool = False, error: str | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.result = result
        self.counts = counts
        self.elapsed = elapsed
        self.partial = partial
        self.error = error


class PdfProgress(Message, bubble=False):
    """The PDF worker started a paper or moved to another stage of it."""

    def __init__(self, key: str, activity: str) -> None:
        super().__init__()
        self.key = key
        self.activity = activity


class PdfFinished(Message, bubble=False):
    """One paper's PDF is done (ok, damaged or failed)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class PdfBatchDone(Message, bubble=False):
    """The PDF worker emptied its queue (or was stopped)."""


class MatchFound(Message, bubble=False):
    """Where the search matched one paper (None: nowhere to point at)."""

    def __init__(self, paper_id: int, text: str, match: SearchMatch | None) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.text = text
        self.match = match


class SyncFinished(Message, bubble=False):
    """The sync worker ended: its report, or None when it failed (the failure is the worker's
    error, reported by the app's one handler of failed workers)."""

    def __init__(self, report: SyncReport | None) -> None:
        super().__init__()
        self.report = report


class SyncProgress(Message, bubble=False):
    """The sync worker reached a stage of its round ("fetching", "merging 12 notes", ...)."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage


class InboxRanked(Message, bubble=False):
    """The inbox's ids by relevance (or the note saying why they stay in arrival order), for the
    load `generation` they were ranked from."""

    def __init__(self, generation: int, ranked: RankedIds | None, error: str | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.ranked = ranked
        self.error = error


class LikeRanked(Message, bubble=False):
    """A like: search's matches by the tag's model (or the note saying why they keep their usual
    order), for the load `generation` they were ranked from; `bad_query`: the error is the
    search's own (no paper has the tag)."""

    def __init__(self, generation: int, ranked: RankedIds | None, error: str | None = None,
                 bad_query: bool = False) -> None:
        super().__init__()
        self.generation = generation
        self.ranked = ranked
        self.error = error
        self.bad_query = bad_query
