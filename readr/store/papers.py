"""Papers, reading state, tags, takeaways, follows and settings: the library's own SQL."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, datetime
from collections.abc import Iterable, Iterator, Sequence

from ..record import field, record
from ..errors import NotFound, ReadrError
from ..sanitize import clean_line, clean_text
from ..statuses import STATUSES, UnknownStatus
from ..tags import MAX_TAG_LENGTH as MAX_TAG_LENGTH, normalize_tag as normalize_tag  # part of the store's API
from ..takeaways import extract_takeaways
from .base import StoreBase
from .connection import immediate, now_iso

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# How list_papers() can order a list (relevance is readr.ranking's, over the papers listed here).
LIST_ORDERS = {
    "added": "p.added_at DESC, p.id DESC",
    "published": "p.published IS NULL, p.published DESC, p.id DESC",
    "title": "p.title COLLATE NOCASE, p.id",
}

# Columns that describe the paper (refreshed from arXiv); never the reader's own state.
METADATA_COLUMNS = (
    "title", "authors", "authors_text", "abstract", "primary_category", "categories", "published",
    "updated", "comment", "journal_ref", "doi", "url", "pdf_url", "links",
)


@record
class Paper:
    id: int
    key: str
    arxiv_id: str | None
    latest_version: int | None
    read_version: int | None
    title: str
    authors: list[str]
    abstract: str
    primary_category: str | None
    categories: list[str]
    published: str | None
    updated: str | None
    comment: str | None
    journal_ref: str | None
    doi: str | None
    url: str | None
    pdf_url: str | None
    links: list[dict[str, Any]]
    source: str
    status: str | None
    added_at: str | None
    read_at: str | None
    read_seq: int | None
    summary: str
    summary_updated_at: str | None
    metadata_fetched_at: str | None
    tags: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)

    @property
    def version(self) -> int | None:
        """The version the reader has (falls back to the latest known)."""
        return self.read_version or self.latest_version

    @property
    def newer_version_available(self) -> bool:
        return _newer(self.read_version, self.latest_version)

    @property
    def link(self) -> str | None:
        """The paper's canonical link: the abs page of the version read, or the entry's URL."""
        if self.arxiv_id:
            suffix = f"v{self.read_version}" if self.read_version else ""
            return f"https://arxiv.org/abs/{self.arxiv_id}{suffix}"
        return self.url

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "latest_version": self.latest_version,
            "read_version": self.read_version,
            "newer_version_available": self.newer_version_available,
            "title": self.title,
            "authors": self.authors,
            "abstract": self.abstract,
            "primary_category": self.primary_category,
            "categories": self.categories,
            "published": self.published,
            "updated": self.updated,
            "comment": self.comment,
            "journal_ref": self.journal_ref,
            "doi": self.doi,
            "url": self.link,
            "pdf_url": self.pdf_url,
            "status": self.status,
            "tags": self.tags,
            "added_at": self.added_at,
            "read_at": self.read_at,
            "summary": self.summary,
            "summary_updated_at": self.summary_updated_at,
            "takeaways": self.takeaways,
        }


_DECODER = json.JSONDecoder()


def _json_column(text: str) -> Any:
    """json.loads(text) for a JSON column (authors, categories, links): a list reads thousands,
    and the decoder's raw_decode skips json.loads's per-call work; anything it does not read
    whole goes through json.loads, for the same value or the same error."""
    try:
        value, end = _DECODER.raw_decode(text)
        if end == len(text):
            return value
    except (ValueError, TypeError):
        pass
    return json.loads(text)


def _json_columns(texts: list[str]) -> list[Any]:
    """[_json_column(text) for text in texts], decoded as one JSON array when that reads one value
    a text (as readr writes them, json.dumps of one value each): a list of thousands of papers
    decodes its authors in half the time. Anything else goes text by text."""
    try:
        values = json.loads("[" + ",".join(texts) + "]")
        if isinstance(values, list) and len(values) == len(texts):
            return values
    except (ValueError, TypeError):
        pass
    return [_json_column(text) for text in texts]


def _paper_from_row(row: sqlite3.Row) -> Paper:
    return Paper(
        id=row["id"], key=row["key"], arxiv_id=row["arxiv_id"], latest_version=row["latest_version"],
        read_version=row["read_version"], title=row["title"], authors=_json_column(row["authors"]),
        abstract=row["abstract"], primary_category=row["primary_category"],
        categories=_json_column(row["categories"]), published=row["published"], updated=row["updated"],
        comment=row["comment"], journal_ref=row["journal_ref"], doi=row["doi"], url=row["url"],
        pdf_url=row["pdf_url"], links=_json_column(row["links"]), source=row["source"], status=row["status"],
        added_at=row["added_at"], read_at=row["read_at"], read_seq=row["read_seq"], summary=row["summary"],
        summary_updated_at=row["summary_updated_at"], metadata_fetched_at=row["metadata_fetched_at"],
    )


def _paper_from_tuple(row: tuple[Any, ...]) -> Paper:
    """_paper_from_row for a plain tuple of PAPER_COLUMNS (faster than sqlite3.Row by name)."""
    (id_, key, arxiv_id, latest_version, read_version, title, authors, abstract, primary_category, categories,
     published, updated, comment, journal_ref, doi, url, pdf_url, links, source, status, added_at, read_at,
     read_seq, summary, summary_updated_at, metadata_fetched_at) = row
    return Paper(
        id=id_, key=key, arxiv_id=arxiv_id, latest_version=latest_version, read_version=read_version, title=title,
        authors=_json_column(authors), abstract=abstract, primary_category=primary_category,
        categories=_json_column(categories), published=published, updated=updated, comment=comment,
        journal_ref=journal_ref, doi=doi, url=url, pdf_url=pdf_url, links=_json_column(links), source=source,
        status=status, added_at=added_at, read_at=read_at, read_seq=read_seq, summary=summary,
        summary_updated_at=summary_updated_at, metadata_fetched_at=metadata_fetched_at,
    )


class PaperBrief:
    """What a list of papers shows of one (Store.iter_brief_papers): BRIEF_COLUMNS and the tags.
    A list makes thousands, and this takes a fraction of the time a Paper takes to make."""

    __slots__ = ("id", "key", "arxiv_id", "latest_version", "read_version", "title", "authors", "published", "url",
                 "source", "status", "added_at", "read_at", "tags")
    id: int
    key: str
    arxiv_id: str | None
    latest_version: int | None
    read_version: int | None
    title: str
    authors: list[str]
    published: str | None
    url: str | None
    source: str
    status: str | None
    added_at: str | None
    read_at: str | None
    tags: list[str]

    def __init__(self, row: tuple[Any, ...], authors: list[str]) -> None:
        """From a plain tuple of BRIEF_COLUMNS (no sqlite3.Row) and its authors decoded; the tags
        are _hydrate's."""
        (self.id, self.key, self.arxiv_id, self.latest_version, self.read_version, self.title, _,
         self.published, self.url, self.source, self.status, self.added_at, self.read_at) = row
        self.authors = authors
        self.tags = []

    @property
    def newer_version_available(self) -> bool:
        """As Paper.newer_version_available."""
        return _newer(self.read_version, self.latest_version)


def _newer(read_version: int | None, latest_version: int | None) -> bool:
    """Whether arXiv has a version newer than the one read."""
    return bool(read_version and latest_version and latest_version > read_version)


BRIEF_COLUMNS = (
    "id, key, arxiv_id, latest_version, read_version, title, authors, published, url, source, status, added_at, "
    "read_at"
)

_BRIEF_AUTHORS = 6  # the place of authors in BRIEF_COLUMNS

PAPER_COLUMNS = (
    "id, key, arxiv_id, latest_version, read_version, title, authors, abstract, primary_category, "
    "categories, published, updated, comment, journal_ref, doi, url, pdf_url, links, source, status, "
    "added_at, read_at, read_seq, summary, summary_updated_at, metadata_fetched_at"
)


def web_key(url: str) -> str:
    import hashlib  # here: OpenSSL's start-up is a cost for every command that never adds a web page

    return "web-" + hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:10]


def metadata_row(record: Any) -> dict[str, Any]:
    """Columns for a paper record (an arxiv_api.PaperRecord or any object/dict with its fields)."""
    get = record.get if isinstance(record, dict) else lambda name, default=None: getattr(record, name, default)
    authors = [clean_line(a) for a in (get("authors") or []) if clean_line(a)]
    categories = [clean_line(c) for c in (get("categories") or []) if clean_line(c)]
    return {
        "title": clean_line(get("title")),
        "authors": json.dumps(authors, ensure_ascii=False),
        "authors_text": ", ".join(authors),
        "abstract": clean_text(get("abstract")).strip(),
        "primary_category": clean_line(get("primary_category")) or (categories[0] if categories else None),
        "categories": json.dumps(categories),
        "published": get("published"),
        "updated": get("updated"),
        "comment": clean_text(get("comment")) or None,
        "journal_ref": clean_text(get("journal_ref")) or None,
        "doi": clean_line(get("doi")) or None,
        "url": get("abs_url") or get("url"),
        "pdf_url": get("pdf_url"),
        "links": json.dumps(get("links") or []),
    }


MAX_TITLE_LENGTH = 1000


def _metadata_text(text: str, what: str) -> str:
    """One line of metadata typed by the reader: whitespace collapsed; control characters refused."""
    text = str(text)
    bad = next((c for c in text if c not in "\t\n\r" and (c < " " or "\x7f" <= c <= "\x9f")), None)
    if bad is not None:
        raise ReadrError(f"{what} cannot hold control characters such as terminal escapes (found U+{ord(bad):04X})")
    return " ".join(text.split())


def _with_year(published: str | None, year: int) -> str:
    """`published` moved to `year`, month and day kept (29 February becomes the 28th); else 1 January."""
    if published and re.match(r"\d{4}-\d{2}-\d{2}", published):
        month, day = int(published[5:7]), int(published[8:10])
        from calendar import isleap

        if (month, day) == (2, 29) and not isleap(year):
            day = 28
        return f"{year:04d}-{month:02d}-{day:02d}{published[10:]}"
    return f"{year:04d}-01-01"


def _read_at_for(on: date | datetime | None) -> str:
    if on is None:
        return now_iso()
    if isinstance(on, datetime):
        return on.isoformat(timespec="seconds")
    # A date without a time: keep the order of marking within the day through read_seq.
    return f"{on.isoformat()}T12:00:00"


class PapersMixin(StoreBase):
    """Methods on Store; `self.conn` is this thread's connection."""

    # --- reading ---------------------------------------------------------------------------

    def get(self, ref: str) -> Paper:
        """A paper by key, arXiv id (any form the id parser accepts) or URL."""
        paper = self.find(ref)
        if paper is None:
            raise NotFound(f"no paper {ref!r} in the library")
        return paper

    def find(self, ref: str) -> Paper | None:
        ref = (ref or "").strip()
        if not ref:
            return None
        row = self.conn.execute(f"SELECT {PAPER_COLUMNS} FROM papers WHERE key = ?", (ref,)).fetchone()
        if row is None:
            from ..ids import try_parse_arxiv_id

            parsed = try_parse_arxiv_id(ref)
            if parsed is not None:
                row = self.conn.execute(
                    f"SELECT {PAPER_COLUMNS} FROM papers WHERE arxiv_id = ?", (parsed.base,)
                ).fetchone()
            elif "://" in ref:
                row = self.conn.execute(
                    f"SELECT {PAPER_COLUMNS} FROM papers WHERE key = ?", (web_key(ref),)
                ).fetchone()
        if row is None:
            return None
        paper: Paper = self._hydrate([_paper_from_row(row)])[0]
        return paper

    def papers_by_ids(self, ids: Sequence[int]) -> list[Paper]:
        """Papers for row ids, in the given order."""
        if not ids:
            return []
        found: dict[int, Paper] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = list(ids[chunk_start : chunk_start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", chunk):
                found[row["id"]] = _paper_from_row(row)
        return self._hydrate([found[i] for i in ids if i in found])

    def _hydrate(self, papers: list[Any], takeaways: bool = True) -> list[Any]:
        """Attach tags and takeaways to Papers (tags only to PaperBriefs, takeaways=False) in two
        queries, whatever the number of papers."""
        if not papers:
            return papers
        by_id = {p.id: p for p in papers}
        ids = list(by_id)
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                by_id[row[0]].tags.append(row[1])
            if not takeaways:
                continue
            for row in self.conn.execute(
                f"SELECT paper_id, text FROM takeaways WHERE paper_id IN ({marks}) ORDER BY paper_id, position",
                chunk,
            ):
                by_id[row[0]].takeaways.append(row[1])
        return papers

    def list_papers(
        self,
        statuses: Iterable[str] | None = None,
        tag: str | None = None,
        include_catalogue: bool = False,
        limit: int | None = None,
        offset: int = 0,
        order: str = "added",
    ) -> list[Paper]:
        """Papers on the reading list (or with the given statuses), the most recently added first
        (or, by `order`, the newest published first, or by title)."""
        return list(self.iter_papers(statuses, tag, include_catalogue, limit, offset, order))

    def iter_papers(
        self,
        statuses: Iterable[str] | None = None,
        tag: str | None = None,
        include_catalogue: bool = False,
        limit: int | None = None,
        offset: int = 0,
        order: str = "added",
        batch: int = 500,
    ) -> Iterator[Paper]:
        """The papers list_papers() returns, read and hydrated `batch` at a time, so that a
        caller writing them out as they come holds one batch in memory, whatever the library."""
        for rows in self._list_rows(PAPER_COLUMNS, statuses, tag, include_catalogue, limit, offset, order, batch):
            yield from self._hydrate([_paper_from_tuple(r) for r in rows])

    def iter_brief_papers(
        self,
        statuses: Iterable[str] | None = None,
        tag: str | None = None,
        include_catalogue: bool = False,
        limit: int | None = None,
        offset: int = 0,
        order: str = "added",
        batch: int = 500,
    ) -> Iterator[PaperBrief]:
        """iter_papers() reading only what a list of papers shows: BRIEF_COLUMNS and the tags."""
        for rows in self._list_rows(BRIEF_COLUMNS, statuses, tag, include_catalogue, limit, offset, order, batch):
            authors = _json_columns([row[_BRIEF_AUTHORS] for row in rows])
            yield from self._hydrate([PaperBrief(row, names) for row, names in zip(rows, authors)], takeaways=False)

    def _list_rows(
        self, columns: str, statuses: Iterable[str] | None, tag: str | None, include_catalogue: bool,
        limit: int | None, offset: int, order: str, batch: int,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a list, as plain tuples of `columns`, `batch` at a time."""
        where, params = self._list_filter(statuses, tag, include_catalogue)
        sql = f"SELECT {columns} FROM papers p"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY " + LIST_ORDERS[order]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples, in the order of the columns selected
        cursor.execute(sql, params)
        try:
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            cursor.close()

    def list_paper_ids(
        self, statuses: Iterable[str] | None = None, tag: str | None = None, include_catalogue: bool = False
    ) -> list[int]:
        """The ids of the papers list_papers() lists with the same filters and no limit, in its
        default order, without reading the papers themselves."""
        where, params = self._list_filter(statuses, tag, include_catalogue)
        sql = "SELECT p.id FROM papers p" + (" WHERE " + " AND ".join(where) if where else "")
        return [int(r[0]) for r in self.conn.execute(sql + " ORDER BY " + LIST_ORDERS["added"], params)]

    def count_papers(
        self, statuses: Iterable[str] | None = None, tag: str | None = None, include_catalogue: bool = False
    ) -> int:
        """How many papers list_papers() lists with the same filters and no limit."""
        where, params = self._list_filter(statuses, tag, include_catalogue)
        sql = "SELECT count(*) FROM papers p" + (" WHERE " + " AND ".join(where) if where else "")
        count: int = self.conn.execute(sql, params).fetchone()[0]
        return count

    def _list_filter(
        self, statuses: Iterable[str] | None, tag: str | None, include_catalogue: bool
    ) -> tuple[list[str], list[str | int]]:
        where: list[str] = []
        params: list[str | int] = []
        statuses = list(statuses or [])
        if statuses:
            where.append(f"p.status IN ({','.join('?' * len(statuses))})")
            params += statuses
        elif not include_catalogue:
            where.append("p.status IS NOT NULL")
        if tag:
            where.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)"
            )
            params.append(normalize_tag(tag))
        return where, params

    def read_between(self, first: date, last: date) -> list[Paper]:
        """Papers marked read from `first` to `last` inclusive, in reading order."""
        rows = self.conn.execute(
            f"SELECT {PAPER_COLUMNS} FROM papers WHERE status = 'read' AND read_at >= ? AND read_at < ? "
            "ORDER BY read_at, read_seq, id",
            (first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()),
        ).fetchall()
        return self._hydrate([_paper_from_row(r) for r in rows])

    def counts(self) -> dict[str, int]:
        """Papers per status, plus 'catalogue' for entries without one and 'all'."""
        result = {status: 0 for status in STATUSES}
        result["catalogue"] = 0
        for status, count in self.conn.execute("SELECT status, count(*) FROM papers GROUP BY status"):
            result[status or "catalogue"] = count
        result["all"] = sum(result[s] for s in STATUSES)
        return result

    def tags_with_counts(self) -> list[tuple[str, int]]:
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id "
                "GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
            )
        ]

    def takeaways_list(
        self, first: date | None = None, last: date | None = None, tag: str | None = None
    ) -> list[tuple[Paper, str]]:
        """Every takeaway with its paper, by reading order (then added order)."""
        where, params = [], []
        if first is not None and last is not None:
            where.append("p.read_at >= ? AND p.read_at < ?")
            params += [first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()]
        if tag:
            where.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)"
            )
            params.append(tag)
        sql = "SELECT k.paper_id, k.text FROM takeaways k JOIN papers p ON p.id = k.paper_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY p.read_at IS NULL, p.read_at, p.read_seq, p.added_at, p.id, k.position"
        rows = self.conn.execute(sql, params).fetchall()
        papers = {p.id: p for p in self.papers_by_ids(list(dict.fromkeys(r[0] for r in rows)))}
        return [(papers[r[0]], r[1]) for r in rows]

    # --- writing ---------------------------------------------------------------------------

    def upsert_arxiv(
        self, record: Any, status: str | None = "to-read", have_version: int | None = None
    ) -> tuple[Paper, bool]:
        """Insert or refresh one arXiv paper. Returns (paper, created).

        A new paper gets `status` (None makes a catalogue entry) and read_version = the version
        the reader asked for, else the record's. An existing paper only gets newer metadata:
        its status, summary, tags and dates are the reader's and are never touched here.
        """
        with immediate(self.conn):
            created = self._upsert_arxiv(record, status, have_version)
        return self.get(_field(record, "arxiv_id")), created

    def _upsert_arxiv(self, record: Any, status: str | None, have_version: int | None) -> bool:
        arxiv_id = _field(record, "arxiv_id")
        version = _field(record, "version")
        meta = metadata_row(record)
        now = now_iso()
        row = self.conn.execute("SELECT id, latest_version FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        if row is None:
            if status is not None and status not in STATUSES:
                raise UnknownStatus(status)
            columns = dict(meta)
            columns.update(
                key=arxiv_id, arxiv_id=arxiv_id, latest_version=version,
                read_version=(have_version or version) if status is not None else None,
                source=_field(record, "source") or "arxiv", status=status,
                added_at=now if status is not None else None, metadata_fetched_at=now,
            )
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            self.conn.execute(f"INSERT INTO papers ({names}) VALUES ({marks})", list(columns.values()))
            return True
        latest = row["latest_version"]
        if version is None or latest is None or version >= latest:
            sets = ", ".join(f"{name} = ?" for name in meta)
            self.conn.execute(
                f"UPDATE papers SET {sets}, latest_version = max(coalesce(latest_version, 0), coalesce(?, 0)), "
                "metadata_fetched_at = ? WHERE id = ?",
                [*meta.values(), version, now, row["id"]],
            )
        else:
            self.conn.execute("UPDATE papers SET metadata_fetched_at = ? WHERE id = ?", (now, row["id"]))
        if status is not None:
            # Adding a catalogue entry to the reading list.
            self.conn.execute(
                "UPDATE papers SET status = ?, added_at = ?, read_version = coalesce(?, latest_version) "
                "WHERE id = ? AND status IS NULL",
                (status, now, have_version, row["id"]),
            )
        return False

    def add_web(self, url: str, title: str, status: str = "to-read") -> tuple[Paper, bool]:
        """A non-arXiv entry: a URL and a title."""
        url = clean_line(url)
        if not url:
            raise ReadrError("a web entry needs a URL")
        key = web_key(url)
        with immediate(self.conn):
            exists = self.conn.execute("SELECT 1 FROM papers WHERE key = ?", (key,)).fetchone()
            if not exists:
                self.conn.execute(
                    "INSERT INTO papers (key, title, url, source, status, added_at) VALUES (?, ?, ?, 'web', ?, ?)",
                    (key, clean_line(title) or url, url, status, now_iso()),
                )
        return self.get(key), not exists

    def set_summary(self, ref: str, summary: str, expected: str | None = None) -> Paper:
        """Store a summary. With `expected` (the summary an editor started from), refuse with
        SummaryConflict if someone else (the CLI, another window) changed it meanwhile."""
        paper = self.get(ref)
        text = clean_text(summary).strip()
        with immediate(self.conn):
            if expected is not None:
                row = self.conn.execute("SELECT summary FROM papers WHERE id = ?", (paper.id,)).fetchone()
                current = row[0] if row else ""
                if current != clean_text(expected).strip():
                    from ..errors import SummaryConflict

                    raise SummaryConflict(
                        f"the summary of {paper.key} was changed elsewhere while you edited it; nothing was saved",
                        current=current,
                    )
            self.conn.execute(
                "UPDATE papers SET summary = ?, summary_updated_at = ? WHERE id = ?", (text, now_iso(), paper.id)
            )
            self._sync_takeaways(paper.id, text)
        return self.get(paper.key)

    def edit_metadata(
        self,
        ref: str,
        *,
        title: str | None = None,
        authors: Sequence[str] | None = None,
        year: int | None = None,
    ) -> Paper:
        """Correct a paper's title, authors (in order) or year; None leaves that field as it is.

        For titles cut short by a PDF, a web page's title, a wrong year. The full-text indexes
        follow through their triggers, and a digest entry imported from a published page takes
        the new title too. One write: undo is `snapshot()` before and `restore()` after.
        ReadrError (one line) for an empty title, control characters or a year out of range.
        """
        if title is None and authors is None and year is None:
            raise ReadrError("nothing to change: give a title, authors or a year")
        paper = self.get(ref)
        changes: dict[str, Any] = {}
        if title is not None:
            new_title = _metadata_text(title, "the title")
            if not new_title:
                raise ReadrError("a title cannot be empty")
            if len(new_title) > MAX_TITLE_LENGTH:
                raise ReadrError(f"a title can be at most {MAX_TITLE_LENGTH} characters")
            changes["title"] = new_title
        if authors is not None:
            names = [_metadata_text(name, "an author's name") for name in authors]
            names = [name for name in names if name]
            if any(len(name) > MAX_TITLE_LENGTH for name in names):
                raise ReadrError(f"an author's name can be at most {MAX_TITLE_LENGTH} characters")
            changes["authors"] = json.dumps(names, ensure_ascii=False)
            changes["authors_text"] = ", ".join(names)
        if year is not None:
            if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999:
                raise ReadrError(f"{year!r} is not a year; use four digits, such as 2021")
            changes["published"] = _with_year(paper.published, year)
        with immediate(self.conn):
            row = self.conn.execute(
                f"SELECT {', '.join(changes)} FROM papers WHERE id = ?", (paper.id,)
            ).fetchone()
            changed = {name: value for name, value in changes.items() if row[name] != value}
            if changed:
                assignments = ", ".join(f"{name} = ?" for name in changed)
                self.conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?", [*changed.values(), paper.id])
            if "title" in changed:
                # An entry imported from a published page keeps the page's title text; emptied, the
                # digest shows the paper's (corrected) title (readr.digest.export.render_entry).
                self.conn.execute("UPDATE digest_entries SET title = '' WHERE paper_key = ?", (paper.key,))
        return self.get(paper.key)

    def _sync_takeaways(self, paper_id: int, summary: str) -> None:
        self.conn.execute("DELETE FROM takeaways WHERE paper_id = ?", (paper_id,))
        self.conn.executemany(
            "INSERT INTO takeaways (paper_id, position, text) VALUES (?, ?, ?)",
            [(paper_id, i, text) for i, text in enumerate(extract_takeaways(summary))],
        )

    def set_status(self, refs: Sequence[str], status: str, on: date | datetime | None = None) -> list[Paper]:
        """Change status; 'read' stamps read_at (today or `on`) and the reading order."""
        if status not in STATUSES:
            raise UnknownStatus(status)
        papers = [self.get(ref) for ref in refs]
        with immediate(self.conn):
            for paper in papers:
                if status == "read" and paper.status == "read" and on is None:
                    continue  # already read: keep its date and place in the reading order
                if status == "read":
                    self.conn.execute(
                        "UPDATE papers SET status = 'read', read_at = ?, "
                        "read_seq = (SELECT coalesce(max(read_seq), 0) + 1 FROM papers WHERE read_at IS NOT NULL), "
                        "read_version = coalesce(read_version, latest_version), "
                        "added_at = coalesce(added_at, ?) WHERE id = ?",
                        (_read_at_for(on), now_iso(), paper.id),
                    )
                else:
                    self.conn.execute(
                        "UPDATE papers SET status = ?, read_at = NULL, read_seq = NULL, "
                        "added_at = coalesce(added_at, ?) WHERE id = ?",
                        (status, now_iso(), paper.id),
                    )
        return [self.get(p.key) for p in papers]

    def add_tags(self, refs: Sequence[str], names: Sequence[str]) -> list[Paper]:
        tags = [normalize_tag(n) for n in names]
        papers = [self.get(ref) for ref in refs]
        with immediate(self.conn):
            for tag in tags:
                self.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            tag_ids = [self.conn.execute("SELECT id FROM tags WHERE name = ?", (t,)).fetchone()[0] for t in tags]
            for paper in papers:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                    [(paper.id, tag_id) for tag_id in tag_ids],
                )
                self._sync_tags_text(paper.id)
        return [self.get(p.key) for p in papers]

    def remove_tags(self, refs: Sequence[str], names: Sequence[str]) -> list[Paper]:
        names = [normalize_tag(n) for n in names]
        papers = [self.get(ref) for ref in refs]
        with immediate(self.conn):
            for paper in papers:
                for name in names:
                    self.conn.execute(
                        "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id IN (SELECT id FROM tags WHERE name = ?)",
                        (paper.id, name),
                    )
                self._sync_tags_text(paper.id)
            self.conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
        return [self.get(p.key) for p in papers]

    def _sync_tags_text(self, paper_id: int) -> None:
        self.conn.execute(
            "UPDATE papers SET tags_text = coalesce((SELECT group_concat(name, ' ') FROM "
            "(SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = ?1 "
            "ORDER BY t.name COLLATE NOCASE)), '') WHERE id = ?1",
            (paper_id,),
        )

    def delete(self, refs: Sequence[str]) -> list[Paper]:
        papers = [self.get(ref) for ref in refs]
        with immediate(self.conn):
            for paper in papers:
                self.conn.execute("DELETE FROM papers WHERE id = ?", (paper.id,))
            self.conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
        return papers

    def set_added_at(self, ref: str, when: datetime) -> None:
        """Backdate when a paper was added (imports and the sample library)."""
        paper = self.get(ref)
        with immediate(self.conn):
            self.conn.execute(
                "UPDATE papers SET added_at = ? WHERE id = ?", (when.isoformat(timespec="seconds"), paper.id)
            )

    # --- undo ------------------------------------------------------------------------------

    def snapshot(self, refs: Sequence[str]) -> list[dict[str, Any]]:
        """Everything stored about these papers, to put back with restore() (undo)."""
        snaps = []
        for ref in refs:
            paper = self.get(ref)
            row = self.conn.execute("SELECT * FROM papers WHERE id = ?", (paper.id,)).fetchone()
            digest = self.conn.execute("SELECT title FROM digest_entries WHERE paper_key = ?", (paper.key,)).fetchone()
            snaps.append({"row": dict(row), "tags": list(paper.tags), "digest_title": digest[0] if digest else None})
        return snaps

    def restore(self, snapshots: Sequence[dict[str, Any]]) -> None:
        with immediate(self.conn):
            for snap in snapshots:
                row = snap["row"]
                names = ", ".join(row)
                marks = ", ".join("?" * len(row))
                self.conn.execute("DELETE FROM papers WHERE id = ?", (row["id"],))
                self.conn.execute(f"INSERT INTO papers ({names}) VALUES ({marks})", list(row.values()))
                self._sync_takeaways(row["id"], row["summary"])
                if snap.get("digest_title") is not None:  # edit_metadata() changes it with the title
                    self.conn.execute(
                        "UPDATE digest_entries SET title = ? WHERE paper_key = ?", (snap["digest_title"], row["key"])
                    )
                for tag in snap["tags"]:
                    self.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
                    self.conn.execute(
                        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
                        (row["id"], tag),
                    )
            self.conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")

    # --- follows and settings ----------------------------------------------------------------

    def follows(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT id, kind, value, last_fetched_at FROM follows ORDER BY kind, value").fetchall()

    def add_follow(self, kind: str, value: str) -> bool:
        value = clean_line(value)
        if not value:
            raise ReadrError("nothing to follow")
        with immediate(self.conn):
            cursor = self.conn.execute("INSERT OR IGNORE INTO follows (kind, value) VALUES (?, ?)", (kind, value))
        return cursor.rowcount > 0

    def remove_follow(self, kind: str, value: str) -> bool:
        with immediate(self.conn):
            cursor = self.conn.execute("DELETE FROM follows WHERE kind = ? AND value = ?", (kind, clean_line(value)))
        return cursor.rowcount > 0

    def mark_followed(self, follow_id: int, when: str) -> None:
        with immediate(self.conn):
            self.conn.execute("UPDATE follows SET last_fetched_at = ? WHERE id = ?", (when, follow_id))

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        with immediate(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _field(record: Any, name: str) -> Any:
    if isinstance(record, dict):
        return record.get(name)
    return getattr(record, name, None)
