"""Store SQL for the weekly digest: importing digest pages (all-or-nothing), the link and
title text a published page used for each entry, and BibTeX citation keys."""

from __future__ import annotations

import json
from datetime import date
from collections.abc import Iterable, Sequence

from ..record import field, frozen_record, record
from ..sanitize import clean_line, clean_text
from .connection import immediate, now_iso
from .papers import PapersMixin, web_key

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any


@frozen_record
class DigestEntry:
    """How a published digest page wrote one entry."""

    paper_key: str
    link: str
    title: str  # the link text as written (Markdown, without bold markers)
    style: dict[str, Any]
    base_dir: str | None


@record
class DigestItem:
    """One entry of an imported page, ready to store."""

    link: str
    title: str  # plain title (for a new paper)
    title_markdown: str  # the link text as written
    summary: str
    style: dict[str, Any] = field(default_factory=dict)
    arxiv_id: str | None = None
    version: int | None = None
    base_dir: str | None = None

    @property
    def key(self) -> str:
        return self.arxiv_id or web_key(clean_line(self.link))


@record
class DigestImportStats:
    weeks: int = 0
    entries: int = 0
    created: int = 0
    summaries_updated: int = 0
    moved: int = 0  # read state or order changed
    links_updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.summaries_updated or self.moved or self.links_updated)


def read_at_for_day(day: date) -> str:
    return f"{day.isoformat()}T12:00:00"


class DigestMixin(PapersMixin):
    # --- reading ---------------------------------------------------------------------------

    def digest_entries(self, keys: Iterable[str]) -> dict[str, DigestEntry]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, DigestEntry] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT paper_key, link, title, style, base_dir FROM digest_entries WHERE paper_key IN ({marks})",
                chunk,
            ):
                try:
                    style = json.loads(row[3]) or {}
                except ValueError:
                    style = {}
                found[row[0]] = DigestEntry(row[0], row[1], row[2], style if isinstance(style, dict) else {}, row[4])
        return found

    def cite_keys(self) -> dict[str, str]:
        """paper key -> citation key, for every paper that has a kept one."""
        return {row[0]: row[1] for row in self.conn.execute("SELECT paper_key, cite_key FROM cite_keys")}

    def set_cite_keys(self, pairs: Sequence[tuple[str, str]]) -> None:
        with immediate(self.conn):
            self.conn.executemany(
                "INSERT INTO cite_keys (paper_key, cite_key) VALUES (?, ?) "
                "ON CONFLICT (paper_key) DO UPDATE SET cite_key = excluded.cite_key",
                list(pairs),
            )

    # --- importing pages -------------------------------------------------------------------

    def import_digest(self, weeks: Sequence[tuple[date, Sequence[DigestItem]]]) -> DigestImportStats:
        """Store the entries of digest pages in one transaction: each paper marked read on its
        week's day, in page order, with its summary. Re-importing the same pages changes nothing."""
        stats = DigestImportStats()
        with immediate(self.conn):
            # Entries of deleted papers must not come back if the paper is added again.
            self.conn.execute("DELETE FROM digest_entries WHERE paper_key NOT IN (SELECT key FROM papers)")
            for day, items in weeks:
                stats.weeks += 1
                self._import_week(day, list(items), stats)
        return stats

    def _import_week(self, day: date, items: list[DigestItem], stats: DigestImportStats) -> None:
        read_at = read_at_for_day(day)
        now = now_iso()
        ids: list[int] = []
        reseq = False
        for item in items:
            stats.entries += 1
            key = item.key
            summary = clean_text(item.summary).strip()
            title = clean_line(item.title) or clean_line(item.link)
            row = self.conn.execute(
                "SELECT id, status, read_at, summary, metadata_fetched_at, title FROM papers WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                cursor = self.conn.execute(
                    "INSERT INTO papers (key, arxiv_id, read_version, title, url, source, status, added_at, "
                    "read_at, summary, summary_updated_at) VALUES (?, ?, ?, ?, ?, ?, 'read', ?, ?, ?, ?)",
                    (
                        key, item.arxiv_id, item.version, title,
                        None if item.arxiv_id else clean_line(item.link),
                        "digest" if item.arxiv_id else "web", read_at, read_at, summary, now if summary else None,
                    ),
                )
                paper_id = cursor.lastrowid
                assert paper_id is not None  # set by the INSERT just made
                self._sync_takeaways(paper_id, summary)
                stats.created += 1
                reseq = True
            else:
                paper_id = row["id"]
                if summary and summary != row["summary"]:
                    self.conn.execute(
                        "UPDATE papers SET summary = ?, summary_updated_at = ? WHERE id = ?", (summary, now, paper_id)
                    )
                    self._sync_takeaways(paper_id, summary)
                    stats.summaries_updated += 1
                if row["metadata_fetched_at"] is None and title != row["title"]:
                    # Nothing better than the page's title is known yet.
                    self.conn.execute("UPDATE papers SET title = ? WHERE id = ?", (title, paper_id))
                if row["status"] != "read" or row["read_at"] != read_at:
                    self.conn.execute(
                        "UPDATE papers SET status = 'read', read_at = ?, "
                        "read_version = coalesce(read_version, ?, latest_version), "
                        "added_at = coalesce(added_at, ?) WHERE id = ?",
                        (read_at, item.version, read_at, paper_id),
                    )
                    stats.moved += 1
                    reseq = True
            ids.append(paper_id)
            if self._store_digest_entry(key, item):
                stats.links_updated += 1
        seqs = [
            self.conn.execute("SELECT read_seq FROM papers WHERE id = ?", (i,)).fetchone()[0] for i in ids
        ]
        in_order = all(s is not None for s in seqs) and all(a < b for a, b in zip(seqs, seqs[1:]))
        if reseq or not in_order:
            if not reseq:
                stats.moved += len(ids)  # same week, different order
            base = self.conn.execute(
                "SELECT coalesce(max(read_seq), 0) FROM papers WHERE read_at IS NOT NULL"  # the partial index
            ).fetchone()[0]
            self.conn.executemany(
                "UPDATE papers SET read_seq = ? WHERE id = ?", [(base + n, i) for n, i in enumerate(ids, start=1)]
            )

    def _store_digest_entry(self, key: str, item: DigestItem) -> bool:
        style = json.dumps(item.style, sort_keys=True, ensure_ascii=False)
        link, title = clean_line(item.link), clean_line(item.title_markdown)
        row = self.conn.execute(
            "SELECT link, title, style, base_dir FROM digest_entries WHERE paper_key = ?", (key,)
        ).fetchone()
        if row is not None and tuple(row) == (link, title, style, item.base_dir):
            return False
        self.conn.execute(
            "INSERT INTO digest_entries (paper_key, link, title, style, base_dir) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (paper_key) DO UPDATE SET link = excluded.link, title = excluded.title, "
            "style = excluded.style, base_dir = excluded.base_dir",
            (key, link, title, style, item.base_dir),
        )
        # A new folder for the same page (base_dir only) is stored but is no change of the entry.
        return row is not None and tuple(row)[:3] != (link, title, style)
