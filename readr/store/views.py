"""The SQL behind the TUI's paper list: the ordered id list of a view (or a search inside it),
and light rows for only the page that is on screen.

A view never loads papers: `view_ids()` returns an `array('q')` of row ids (8 bytes a paper,
about 0.5 s for a million), and the list widget asks `list_rows()` for the 30-odd rows it
draws. Free-text search ranks only a capped candidate set (see readr.store.search).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from datetime import date
from collections.abc import Iterable, Sequence

from ..record import field, record, replace
from ..query import Query
from ..statuses import STATUSES
from ..weeks import week_bounds
from .search import CANDIDATES, SearchMixin, _filter_sql

# View name -> the statuses it shows. "all" is the reading list: dismissed papers and
# catalogue entries are left out. A tag view is "tag:<name>". CATALOGUE is every paper,
# catalogue entries from bulk imports included, the most recently added first.
VIEW_STATUSES: dict[str, tuple[str, ...]] = {
    "all": tuple(status for status in STATUSES if status != "dismissed"),
    **{status: (status,) for status in STATUSES},
}
CATALOGUE = "catalogue"
# Every paper a teammate has (readr sync), whatever this reader's status: the newest teammate's
# reading first.
TEAM = "team"
GROUPED_VIEWS = ("to-read", "reading", "read")
_NO_STATUS = "\x00none"  # a status no paper has: an empty intersection of view and query


@record
class ListRow:
    """What one line of the paper list shows."""

    id: int
    key: str
    status: str | None
    title: str
    authors: list[str]
    tags: list[str]
    added_at: str | None
    read_at: str | None
    published: str | None
    has_summary: bool
    newer_version: bool


@record
class ViewResult:
    """The papers of a view in display order; `headers` maps a position in `ids` to the
    week (first day, last day) that starts there, for views grouped by week."""

    ids: array[int]
    headers: dict[int, tuple[date, date]] = field(default_factory=dict)
    ranked: bool = False
    capped: bool = False
    partial: bool = False


def view_query(view: str, query: Query | None) -> Query:
    """The query restricted to a view: its statuses (intersected with any status: filter) or tag."""
    query = replace(query) if query is not None else Query()
    query.tags = list(query.tags)
    if view.startswith("tag:"):
        query.tags.append(view[4:])
        if not query.statuses:
            query.statuses = list(VIEW_STATUSES["all"])
        return query
    if view == CATALOGUE:
        return query  # any status:, or none: every paper
    if view == TEAM:
        query.team = True
        return query
    statuses = VIEW_STATUSES.get(view)
    if statuses is None:
        raise ValueError(f"unknown view {view!r}")
    if not query.statuses:
        query.statuses = list(statuses)
    elif view != "all":
        query.statuses = [s for s in query.statuses if s in statuses] or [_NO_STATUS]
    return query


def group_by_week(
    ids: Sequence[int], days: Sequence[str | None], week_start: int, ascending_within: bool = False
) -> tuple[array[int], dict[int, tuple[date, date]]]:
    """Split ids (sorted newest first by `days`, ISO strings) into weeks; optionally reverse
    each week so it reads oldest first (the digest's reading order)."""
    out = array("q")
    headers: dict[int, tuple[date, date]] = {}
    group: list[int] = []
    bounds: tuple[date, date] | None = None
    low = high = ""  # the current week as ISO strings: one string compare per row

    def flush() -> None:
        if group and bounds is not None:
            headers[len(out)] = bounds
            out.extend(reversed(group) if ascending_within else group)

    undated: list[int] = []
    for paper_id, day in zip(ids, days):
        if not day:
            undated.append(paper_id)
            continue
        stamp = day[:10]
        if bounds is None or not (low <= stamp <= high):
            flush()
            group = []
            try:
                bounds = week_bounds(date.fromisoformat(stamp), week_start)
            except ValueError:
                undated.append(paper_id)
                bounds = None
                continue
            low, high = bounds[0].isoformat(), bounds[1].isoformat()
        group.append(paper_id)
    flush()
    out.extend(undated)
    return out, headers


class ViewsMixin(SearchMixin):
    def view_ids(
        self,
        view: str = "all",
        query: Query | None = None,
        week_start: int = 0,
        group: bool = True,
        limit: int | None = None,
    ) -> ViewResult:
        """The ordered ids of a view, optionally narrowed by a search query.

        Without free text: every matching paper, newest first; To read / Reading grouped by the
        week they were added, Read by the week they were read (each week in reading order).
        With free text: the best matches, ranked, capped at CANDIDATES. `limit` gives only the
        first rows (1 ms at a million papers, where the whole list takes about a second): show
        them at once, then the rest; `partial` says more may follow.
        """
        full = view_query(view, query)
        catalogue = view in (CATALOGUE, TEAM)
        if full.fts_expression() is not None:
            hits = self.search_ids(full, limit=CANDIDATES, include_catalogue=catalogue)
            return ViewResult(array("q", [i for i, _ in hits]), ranked=True, capped=len(hits) >= CANDIDATES)
        where, params = _filter_sql(full, include_catalogue=catalogue)
        date_col = "p.read_at" if view == "read" else "p.added_at"
        if view == "read":
            order = "p.read_at DESC, p.read_seq DESC, p.id DESC"
        elif view == TEAM:
            order = ("(SELECT max(coalesce(t.read_at, '')) FROM team_notes t WHERE t.paper_key = p.key) DESC, "
                     "p.id DESC")
        elif catalogue:
            order = "p.id DESC"  # bulk imports leave added_at empty; the row id is free to walk
        else:
            order = "p.added_at DESC, p.id DESC"
        grouped = group and view in GROUPED_VIEWS
        sql = f"SELECT p.id, {date_col} FROM papers p" if grouped else "SELECT p.id FROM papers p"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        if not grouped:
            # One string from SQLite and one split: about twice as fast as a row per id. An
            # aggregate over an ordered subquery keeps its order (the subquery is not flattened).
            text = self.conn.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
            ids = array("q", map(int, text.split(","))) if text else array("q")
            return ViewResult(ids, partial=limit is not None and len(ids) >= limit)
        rows = self.conn.execute(sql, params).fetchall()
        ids, headers = group_by_week(
            [r[0] for r in rows], [r[1] for r in rows], week_start, ascending_within=(view == "read")
        )
        return ViewResult(ids, headers, partial=limit is not None and len(rows) >= limit)

    def list_rows(self, ids: Iterable[int]) -> dict[int, ListRow]:
        """Light rows for the given ids (one page of the list), keyed by id."""
        ids = list(ids)
        rows: dict[int, ListRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                "SELECT p.id, p.key, p.status, p.title, p.authors, p.added_at, p.read_at, p.published, "
                "p.summary != '' AS has_summary, "
                "(p.read_version IS NOT NULL AND p.latest_version > p.read_version) AS newer, "
                "(SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM paper_tags pt "
                " JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)) AS tags "
                f"FROM papers p WHERE p.id IN ({marks})",
                chunk,
            ):
                rows[r[0]] = ListRow(
                    id=r[0], key=r[1], status=r[2], title=r[3], authors=json.loads(r[4] or "[]"),
                    tags=(r[10].split("\x1f") if r[10] else []), added_at=r[5], read_at=r[6], published=r[7],
                    has_summary=bool(r[8]), newer_version=bool(r[9]),
                )
        return rows

    def tag_names(self) -> list[str]:
        """Every tag, for completion."""
        return [r[0] for r in self.conn.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")]

    def keys_for(self, ids: Sequence[int]) -> list[str]:
        """Paper keys for row ids, in order (ids that no longer exist are skipped)."""
        found: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"SELECT id, key FROM papers WHERE id IN ({marks})", chunk):
                found[r[0]] = r[1]
        return [found[i] for i in ids if i in found]

    def status_counts(self) -> dict[str, int]:
        """Papers per status (the reading list's 'all' leaves dismissed out) and in the catalogue
        view (every paper)."""
        result = {s: 0 for s in VIEW_STATUSES}
        for status, count in self.conn.execute(
            "SELECT status, count(*) FROM papers WHERE status IS NOT NULL GROUP BY status"
        ):
            result[status] = count
        result["all"] = sum(result[s] for s in VIEW_STATUSES["all"])
        # ~9 ms at a million papers; the TUI asks from its worker thread.
        result[CATALOGUE] = self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        result[TEAM] = self.conn.execute("SELECT count(DISTINCT paper_key) FROM team_notes").fetchone()[0]
        return result

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection (a short-lived worker thread is done with it)."""
        pool = self._pool
        conn = getattr(pool._local, "conn", None)
        if conn is None:
            return
        pool._local.conn = None
        with pool._lock:
            if conn in pool._all:
                pool._all.remove(conn)
        conn.close()

    def interrupt_thread_connection(self, conn: sqlite3.Connection | None) -> None:
        """Stop whatever SQL a (worker thread's) connection is running; it raises 'interrupted'."""
        if conn is not None:
            try:
                conn.interrupt()
            except sqlite3.ProgrammingError:
                pass  # already closed

