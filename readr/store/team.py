"""What `readr sync` reads from and writes to the library: the reader's own notes (one per arXiv
paper on the reading list), teammates' notes, the last shared state and summary conflicts."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from datetime import date
from collections.abc import Iterable, Iterator, Mapping

from ..record import field, frozen_record, record
from ..takeaways import extract_takeaways
from .base import StoreBase
from .connection import now_iso

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

NOTE_STATUSES = ("inbox", "to-read", "reading", "read", "dismissed")
# Keys of papers without an arXiv id (web_key, a local PDF's import, a BibTeX import): the same
# on every machine, so they name notes in the shared repository too.
LOCAL_KEY = re.compile(r"^(web|pdf|bib)-[0-9a-f]{6,64}$")
# LOCAL_KEY as an SQL condition on papers p (GLOB is case-sensitive, as the pattern is).
LOCAL_KEY_SQL = ("(substr(p.key, 1, 4) IN ('web-', 'pdf-', 'bib-') AND length(p.key) BETWEEN 10 AND 68 "
                 "AND substr(p.key, 5) NOT GLOB '*[^0-9a-f]*')")


@frozen_record
class Note:
    """One reader's state of one paper, as the shared repository holds it. `arxiv_id` is the
    paper's key in every library: its arXiv id, or for a paper without one its local key
    (web-…, pdf-…, bib-…: readr.sync.notes.LOCAL_KEY), with `source` and `url`."""

    arxiv_id: str
    version: int | None = None
    title: str = ""
    authors: tuple[str, ...] = ()
    status: str = "to-read"
    tags: tuple[str, ...] = ()
    added_at: str | None = None
    read_at: str | None = None
    summary_updated_at: str | None = None
    summary: str = ""
    other_summary: str | None = None  # the other machine's text of a conflicting summary
    source: str = "arxiv"
    url: str | None = None

    @classmethod
    def from_json(cls, text: str) -> "Note":
        data = json.loads(text)
        data["authors"] = tuple(data.get("authors") or ())
        data["tags"] = tuple(data.get("tags") or ())
        return cls(**data)


@record
class TeamNote:
    reader: str
    paper_key: str
    status: str | None
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    read_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"reader": self.reader, "status": self.status, "tags": self.tags, "summary": self.summary,
                "read_at": self.read_at}


def _team_note(row: sqlite3.Row) -> TeamNote:
    return TeamNote(reader=row["reader"], paper_key=row["paper_key"], status=row["status"],
                    tags=list(json.loads(row["tags"])), summary=row["summary"], read_at=row["read_at"])


class TeamMixin(StoreBase):
    # --- the reader's own notes ----------------------------------------------------------------

    def own_notes(self) -> dict[str, Note]:
        """Every paper on the reading list with an arXiv id or a local key (LOCAL_KEY), as a note,
        by key."""
        return {key: Note.from_json(text) for key, text in self.own_note_texts().items()}

    def own_note_texts(self, only: Iterable[str] | None = None) -> dict[str, str]:
        """Every paper on the reading list with an arXiv id or a local key (LOCAL_KEY) as a note's
        JSON text, by key (`only`: of these keys). SQLite writes the text, so a round compares ten
        thousand notes with the last shared state as strings and builds a Note only for those
        that differ."""
        where, params = "", []
        if only is not None:
            wanted = list(only)
            if not wanted:
                return {}
            where, params = " AND p.key IN (SELECT value FROM json_each(?))", [json.dumps(wanted)]
        local = "p.arxiv_id IS NULL"
        return dict(self.conn.execute(
            "SELECT p.key, json_object("
            "'added_at', p.added_at, 'arxiv_id', p.key, "
            "'authors', CASE WHEN json_valid(p.authors) THEN json(p.authors) ELSE json_array() END, "
            "'other_summary', c.other_summary, 'read_at', p.read_at, 'source', "
            f"CASE WHEN {local} THEN p.source ELSE 'arxiv' END, 'status', p.status, 'summary', p.summary, "
            "'summary_updated_at', p.summary_updated_at, "
            "'tags', (SELECT json_group_array(name) FROM (SELECT t.name FROM paper_tags pt "
            "JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)), "
            f"'title', p.title, 'url', CASE WHEN {local} THEN p.url END, "
            f"'version', CASE WHEN {local} THEN NULL ELSE coalesce(p.read_version, p.latest_version) END) "
            "FROM papers p LEFT JOIN summary_conflicts c ON c.paper_key = p.key "
            f"WHERE p.status IS NOT NULL AND (p.arxiv_id IS NOT NULL OR {LOCAL_KEY_SQL}){where}",
            params,
        ).fetchall())

    def sync_base(self) -> dict[str, Note]:
        return {key: Note.from_json(text) for key, text in self.sync_base_texts().items()}

    def sync_base_texts(self) -> dict[str, str]:
        """The sync base as stored (own_note_texts() at the last completed sync), by arXiv id."""
        return dict(self.conn.execute("SELECT paper_key, note FROM sync_base").fetchall())

    def set_sync_base(self, texts: Mapping[str, str], synced_at: str, commit: str,
                      previous: Mapping[str, str] | None = None) -> None:
        """Record what the last completed sync shared (the base of the next three-way merge: notes'
        JSON texts by arXiv id); only the notes that changed from `previous` (the stored base,
        read again when not given) are written."""
        stored = self.sync_base_texts() if previous is None else previous
        with self.write() as conn:
            gone = [(key,) for key in stored.keys() - texts.keys()]
            conn.executemany("DELETE FROM sync_base WHERE paper_key = ?", gone)
            conn.executemany(
                "INSERT OR REPLACE INTO sync_base (paper_key, note) VALUES (?, ?)",
                [(key, text) for key, text in texts.items() if stored.get(key) != text],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [("sync.last_synced", synced_at), ("sync.commit", commit)],
            )

    def apply_sync(
        self,
        own: Iterable[Note],
        removed: Iterable[str],
        team: Mapping[str, Iterable[Note]],
        team_removed: Iterable[tuple[str, str]],
        team_replaced: Iterable[str] = (),
    ) -> None:
        """One transaction: the reader's own notes merged from their other machines (`own`; the
        arXiv ids in `removed` were removed there), teammates' notes by reader (`team_replaced`
        readers lose every note not given), and (reader, arXiv id) pairs teammates removed."""
        with self.write() as conn:
            # One counter for the round: max(read_seq) per note would scan the index every time.
            read_seqs = itertools.count(conn.execute("SELECT coalesce(max(read_seq), 0) + 1 FROM papers").fetchone()[0])
            for note in own:
                self._apply_own_note(conn, note, read_seqs)
            for arxiv_id in removed:
                conn.execute("DELETE FROM papers WHERE key = ? AND status IS NOT NULL", (arxiv_id,))
                conn.execute("DELETE FROM summary_conflicts WHERE paper_key = ?", (arxiv_id,))
            for reader in team_replaced:
                conn.execute("DELETE FROM team_notes WHERE reader = ?", (reader,))
            for reader, key in team_removed:
                conn.execute("DELETE FROM team_notes WHERE reader = ? AND paper_key = ?", (reader, key))
            for reader, notes in team.items():
                for note in notes:
                    self._ensure_paper(conn, note)
                    conn.execute(
                        "INSERT OR REPLACE INTO team_notes (reader, paper_key, status, tags, summary, read_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (reader, note.arxiv_id, note.status, json.dumps(list(note.tags), ensure_ascii=False),
                         note.summary, note.read_at),
                    )
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")

    def _ensure_paper(self, conn: sqlite3.Connection, note: Note) -> int:
        """The row id of the note's paper, added as a catalogue entry (not on the reading list)
        when the library does not have it."""
        row = conn.execute("SELECT id FROM papers WHERE key = ?", (note.arxiv_id,)).fetchone()
        if row is not None:
            paper_id: int = row[0]
            return paper_id
        authors = list(note.authors)
        if LOCAL_KEY.match(note.arxiv_id):
            cursor = conn.execute(
                "INSERT INTO papers (key, title, url, authors, authors_text, source) VALUES (?, ?, ?, ?, ?, ?)",
                (note.arxiv_id, note.title or note.url or note.arxiv_id, note.url,
                 json.dumps(authors, ensure_ascii=False), ", ".join(authors), note.source),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid
        cursor = conn.execute(
            "INSERT INTO papers (key, arxiv_id, latest_version, title, authors, authors_text, source) "
            "VALUES (?, ?, ?, ?, ?, ?, 'arxiv')",
            (note.arxiv_id, note.arxiv_id, note.version, note.title or note.arxiv_id,
             json.dumps(authors, ensure_ascii=False), ", ".join(authors)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _apply_own_note(self, conn: sqlite3.Connection, note: Note, read_seqs: Iterator[int]) -> None:
        """The note onto the reading list: one INSERT for a paper the library does not have, one
        UPDATE otherwise (each fires the full-text triggers once). A paper without an arXiv id
        (a local key) has no versions: its latest_version is left alone."""
        for tag in note.tags:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
        marks = ", ".join("?" * len(note.tags))
        tags_text = (f"coalesce((SELECT group_concat(name, ' ') FROM (SELECT name FROM tags WHERE name IN ({marks}) "
                     "ORDER BY name COLLATE NOCASE)), '')") if note.tags else "''"
        row = conn.execute("SELECT id, read_at, read_seq, summary FROM papers WHERE key = ?",
                           (note.arxiv_id,)).fetchone()
        if row is None:
            authors = list(note.authors)
            local = bool(LOCAL_KEY.match(note.arxiv_id))
            cursor = conn.execute(
                "INSERT INTO papers (key, arxiv_id, latest_version, read_version, title, url, authors, authors_text, "
                "source, status, added_at, read_at, read_seq, summary, summary_updated_at, tags_text) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {tags_text})",
                (note.arxiv_id, None if local else note.arxiv_id, None if local else note.version,
                 None if local else note.version, note.title or (note.url if local else None) or note.arxiv_id,
                 note.url if local else None, json.dumps(authors, ensure_ascii=False), ", ".join(authors),
                 note.source if local else "arxiv", note.status, note.added_at or now_iso(), note.read_at,
                 next(read_seqs) if note.read_at else None, note.summary, note.summary_updated_at, *note.tags),
            )
            assert cursor.lastrowid is not None
            paper_id, old_summary = cursor.lastrowid, ""
        else:
            paper_id, old_summary = row["id"], row["summary"]
            read_seq = row["read_seq"]
            if note.read_at and (row["read_at"] != note.read_at or read_seq is None):
                read_seq = next(read_seqs)
            conn.execute(
                "UPDATE papers SET status = ?, read_at = ?, read_seq = ?, read_version = coalesce(?, read_version), "
                "latest_version = CASE WHEN ? IS NULL THEN latest_version "
                "ELSE max(coalesce(latest_version, 0), ?) END, added_at = coalesce(?, added_at, ?), "
                f"summary = ?, summary_updated_at = ?, tags_text = {tags_text} WHERE id = ?",
                (note.status, note.read_at, read_seq if note.read_at else None, note.version, note.version,
                 note.version, note.added_at, now_iso(), note.summary, note.summary_updated_at, *note.tags, paper_id),
            )
            conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
        if old_summary != note.summary:
            conn.execute("DELETE FROM takeaways WHERE paper_id = ?", (paper_id,))
            conn.executemany(
                "INSERT INTO takeaways (paper_id, position, text) VALUES (?, ?, ?)",
                [(paper_id, i, text) for i, text in enumerate(extract_takeaways(note.summary))],
            )
        if note.tags:
            conn.execute("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
                         f"SELECT ?, id FROM tags WHERE name IN ({marks})", (paper_id, *note.tags))
        if note.other_summary is None:
            conn.execute("DELETE FROM summary_conflicts WHERE paper_key = ?", (note.arxiv_id,))
        else:
            conn.execute(
                "INSERT INTO summary_conflicts (paper_key, other_summary, found_at) VALUES (?, ?, ?) "
                "ON CONFLICT (paper_key) DO UPDATE SET other_summary = excluded.other_summary "
                "WHERE other_summary != excluded.other_summary",
                (note.arxiv_id, note.other_summary, now_iso()),
            )

    # --- conflicts -----------------------------------------------------------------------------

    def summary_conflict(self, key: str) -> str | None:
        """The other machine's text of this paper's summary, when both were edited before a sync."""
        row = self.conn.execute("SELECT other_summary FROM summary_conflicts WHERE paper_key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def summary_conflicts(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT paper_key FROM summary_conflicts ORDER BY paper_key")]

    def resolve_summary_conflict(self, key: str) -> bool:
        """Drop the other machine's text (the reader has merged what they wanted into the summary)."""
        with self.write() as conn:
            cursor = conn.execute("DELETE FROM summary_conflicts WHERE paper_key = ?", (key,))
        return cursor.rowcount > 0

    def settle_summary_conflict(self, key: str, summary: str, expected: str, other: str) -> None:
        """One write: `summary` becomes the paper's summary and the conflict is gone. SummaryConflict
        when the summary is no longer `expected` or the other text no longer `other` (a sync or
        another window changed them meanwhile)."""
        from ..errors import SummaryConflict
        from ..sanitize import clean_text

        text = clean_text(summary).strip()
        with self.write() as conn:
            row = conn.execute(
                "SELECT p.id, p.summary, c.other_summary FROM papers p "
                "LEFT JOIN summary_conflicts c ON c.paper_key = p.key WHERE p.key = ?", (key,)
            ).fetchone()
            if row is None or row["summary"] != clean_text(expected).strip() or row["other_summary"] != other:
                raise SummaryConflict(
                    f"the summary of {key} or its other text changed (a sync, another window) while you edited it; "
                    "nothing was saved", current=row["summary"] if row else "",
                )
            if text != row["summary"]:
                conn.execute("UPDATE papers SET summary = ?, summary_updated_at = ? WHERE id = ?",
                             (text, now_iso(), row["id"]))
                conn.execute("DELETE FROM takeaways WHERE paper_id = ?", (row["id"],))
                conn.executemany(
                    "INSERT INTO takeaways (paper_id, position, text) VALUES (?, ?, ?)",
                    [(row["id"], i, item) for i, item in enumerate(extract_takeaways(text))],
                )
            conn.execute("DELETE FROM summary_conflicts WHERE paper_key = ?", (key,))

    # --- teammates -----------------------------------------------------------------------------

    def team_notes(self, key: str) -> list[TeamNote]:
        """Every teammate's note on this paper, by reader name."""
        return [_team_note(row) for row in self.conn.execute(
            "SELECT * FROM team_notes WHERE paper_key = ? ORDER BY reader", (key,)
        )]

    def team_readers(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT reader FROM team_notes ORDER BY reader")]

    def team_read_between(self, first: date, last: date) -> list[TeamNote]:
        """Teammates' notes marked read from `first` to `last` inclusive, in reading order."""
        return [_team_note(row) for row in self.conn.execute(
            "SELECT * FROM team_notes WHERE status = 'read' AND read_at >= ? AND read_at < ? "
            "ORDER BY read_at, reader, paper_key",
            (first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()),
        )]

    def team_paper_keys(self, reader: str) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT paper_key FROM team_notes WHERE reader = ? ORDER BY paper_key", (reader,)
        )]

    def team_read_days(self) -> list[str]:
        """Every day (YYYY-MM-DD) on which this reader or a teammate marked a paper read."""
        return [row[0] for row in self.conn.execute(
            "SELECT substr(read_at, 1, 10) AS day FROM papers WHERE status = 'read' AND read_at IS NOT NULL "
            "UNION SELECT substr(read_at, 1, 10) FROM team_notes WHERE status = 'read' AND read_at IS NOT NULL "
            "ORDER BY day"
        )]

    # --- follows -------------------------------------------------------------------------------

    def follow_pairs(self) -> set[tuple[str, str]]:
        return {(row[0], row[1]) for row in self.conn.execute("SELECT kind, value FROM follows")}

    def replace_follows(self, follows: Iterable[tuple[str, str]]) -> None:
        """Follow exactly these (kind, value) pairs; those kept keep when they were last fetched."""
        wanted = set(follows)
        with self.write() as conn:
            for kind, value in self.follow_pairs() - wanted:
                conn.execute("DELETE FROM follows WHERE kind = ? AND value = ?", (kind, value))
            conn.executemany("INSERT OR IGNORE INTO follows (kind, value) VALUES (?, ?)", sorted(wanted))
