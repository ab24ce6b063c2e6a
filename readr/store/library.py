"""Store: the library store with every part (readr.store exports it)."""

from __future__ import annotations

from .bib import BibMixin
from .bulk import BulkMixin
from .digest import DigestMixin
from .maintenance import MaintenanceMixin
from .papers import PapersMixin
from .pdfs import PdfsMixin
from .ranking import RankingMixin
from .search import SearchMixin
from .team import TeamMixin
from .views import ViewsMixin


# Search builds on papers, views on search, digest on papers: each mixin derives from what it uses.
class Store(RankingMixin, ViewsMixin, SearchMixin, DigestMixin, BibMixin, PapersMixin, PdfsMixin, BulkMixin,
            MaintenanceMixin, TeamMixin):
    """A library: `Store(path)` opens (creating and migrating) it; see StoreBase."""
