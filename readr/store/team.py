"""What `readr sync` reads from and writes to the library: the reader's own notes (one per arXiv
paper on the reading list), teammates' notes, the last shared state and summary conflicts."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from ..takeaways import extract_takeaways
from .base import StoreBase
from .connection import now_iso

NOTE_STATUSES = ("inbox", "to-read", "reading", "read", "dismissed")
# Keys of papers without an arXiv id (web_key, a local PDF's import, a BibTeX import): the same
# on every machine, so they name notes in the shared repository too.
LOCAL_KEY = re.compile(r"^(web|pdf|bib)-[0-9a-f]{6,64}$")


@dataclass(frozen=True)
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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Note":
        data = json.loads(text)
        data["authors"] = tuple(data.get("authors") or ())
        data["tags"] = tuple(data.get("tags") or ())
        return cls(**data)


@dataclass
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
        tags: dict[int, list[str]] = {}
        for row in self.conn.execute(
            "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "JOIN papers p ON p.id = pt.paper_id WHERE p.status IS NOT NULL ORDER BY t.name COLLATE NOCASE"
        ):
            tags.setdefault(row[0], []).append(row[1])
        notes: dict[str, Note] = {}
        for row in self.conn.execute(
            "SELECT p.id, p.key, p.arxiv_id, coalesce(p.read_version, p.latest_version) AS version, p.title, "
            "p.authors, p.status, p.added_at, p.read_at, p.summary, p.summary_updated_at, p.source, p.url, "
            "c.other_summary FROM papers p LEFT JOIN summary_conflicts c ON c.paper_key = p.key "
            "WHERE p.status IS NOT NULL"
        ):
            local = row["arxiv_id"] is None
            if local and not LOCAL_KEY.match(row["key"]):
                continue
            notes[row["key"]] = Note(
                arxiv_id=row["key"], version=None if local else row["version"], title=row["title"],
                authors=tuple(json.loads(row["authors"])), status=row["status"],
                tags=tuple(tags.get(row["id"], ())), added_at=row["added_at"], read_at=row["read_at"],
                summary_updated_at=row["summary_updated_at"], summary=row["summary"],
                other_summary=row["other_summary"], source=row["source"] if local else "arxiv",
                url=row["url"] if local else None,
            )
        return notes

    def sync_base(self) -> dict[str, Note]:
        return {row[0]: Note.from_json(row[1]) for row in self.conn.execute("SELECT paper_key, note FROM sync_base")}

    def set_sync_base(self, notes: Mapping[str, Note], synced_at: str, commit: str) -> None:
        """Record what the last completed sync shared (the base of the next three-way merge)."""
        with self.write() as conn:
            conn.execute("DELETE FROM sync_base")
            conn.executemany(
                "INSERT INTO sync_base (paper_key, note) VALUES (?, ?)",
                [(key, note.to_json()) for key, note in notes.items()],
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
            for note in own:
                self._apply_own_note(conn, note)
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

    def _apply_own_note(self, conn: sqlite3.Connection, note: Note) -> None:
        paper_id = self._ensure_paper(conn, note)
        row = conn.execute("SELECT status, read_at, read_seq, summary FROM papers WHERE id = ?", (paper_id,)).fetchone()
        read_seq = row["read_seq"]
        if note.read_at and (row["read_at"] != note.read_at or read_seq is None):
            read_seq = conn.execute(
                "SELECT coalesce(max(read_seq), 0) + 1 FROM papers WHERE read_at IS NOT NULL"
            ).fetchone()[0]
        conn.execute(
            "UPDATE papers SET status = ?, read_at = ?, read_seq = ?, read_version = coalesce(?, read_version), "
            "latest_version = CASE WHEN ? IS NULL THEN latest_version ELSE max(coalesce(latest_version, 0), ?) END, "
            "added_at = coalesce(?, added_at, ?), "
            "summary = ?, summary_updated_at = ? WHERE id = ?",
            (note.status, note.read_at, read_seq if note.read_at else None, note.version, note.version, note.version,
             note.added_at, now_iso(), note.summary, note.summary_updated_at, paper_id),
        )
        if row["summary"] != note.summary:
            conn.execute("DELETE FROM takeaways WHERE paper_id = ?", (paper_id,))
            conn.executemany(
                "INSERT INTO takeaways (paper_id, position, text) VALUES (?, ?, ?)",
                [(paper_id, i, text) for i, text in enumerate(extract_takeaways(note.summary))],
            )
        conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
        for tag in note.tags:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            conn.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
                (paper_id, tag),
            )
        conn.execute(
            "UPDATE papers SET tags_text = coalesce((SELECT group_concat(name, ' ') FROM "
            "(SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = ?1 "
            "ORDER BY t.name COLLATE NOCASE)), '') WHERE id = ?1",
            (paper_id,),
        )
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
