"""PDFs of papers and the text extracted from them (the SQL behind readr.pdfs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..record import record
from ..sanitize import clean_line, clean_text
from .base import StoreBase
from .connection import immediate, now_iso

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

EXTRACT_STATUSES = ("pending", "ok", "damaged", "failed")


@record
class PdfRecord:
    paper_key: str
    path: str  # relative to the library's data directory
    version: int | None
    sha256: str
    size: int
    source: str  # "arxiv" | "local"
    downloaded_at: str
    extract_status: str  # pending | ok | damaged (text recovered from a broken file) | failed
    error: str | None
    pages: int | None
    extracted_at: str | None
    has_text: bool = False  # papers.fulltext is filled in

    @property
    def needs_extraction(self) -> bool:
        """Pending, or text that should be there is missing (e.g. the paper was re-added)."""
        return self.extract_status == "pending" or (self.extract_status in ("ok", "damaged") and not self.has_text)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "version": self.version, "sha256": self.sha256, "size": self.size,
            "source": self.source, "downloaded_at": self.downloaded_at, "extract_status": self.extract_status,
            "error": self.error, "pages": self.pages, "extracted_at": self.extracted_at,
        }


_COLUMNS = (
    "d.paper_key, d.path, d.version, d.sha256, d.size, d.source, d.downloaded_at, d.extract_status, "
    "d.error, d.pages, d.extracted_at, p.fulltext IS NOT NULL AND p.fulltext != '' AS has_text"
)


def _record(row: sqlite3.Row) -> PdfRecord:
    return PdfRecord(**{name: row[name] for name in row.keys()} | {"has_text": bool(row["has_text"])})


class PdfsMixin(StoreBase):
    @property
    def pdf_dir(self) -> Path:
        """Where downloaded and imported PDFs live."""
        return self.data_dir / "pdfs"

    @property
    def assets_dir(self) -> Path:
        """Where figures extracted from PDFs live (summaries link to them)."""
        return self.data_dir / "assets"

    def pdf_record(self, key: str) -> PdfRecord | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM pdfs d LEFT JOIN papers p ON p.key = d.paper_key WHERE d.paper_key = ?",
            (key,),
        ).fetchone()
        return _record(row) if row else None

    def pdf_path(self, key: str) -> Path | None:
        """The absolute path of a paper's PDF, if readr has one on disk."""
        record = self.pdf_record(key)
        if record is None:
            return None
        path = self.data_dir / record.path
        return path if path.is_file() else None

    def record_pdf(
        self, key: str, path: str, sha256: str, size: int, version: int | None = None, source: str = "arxiv"
    ) -> PdfRecord:
        """Remember a paper's PDF file. A different file (sha256) starts over as pending."""
        with immediate(self.conn):
            self.conn.execute(
                "INSERT INTO pdfs (paper_key, path, version, sha256, size, source, downloaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (paper_key) DO UPDATE SET path = excluded.path, version = excluded.version, "
                "size = excluded.size, source = excluded.source, downloaded_at = excluded.downloaded_at, "
                "extract_status = CASE WHEN pdfs.sha256 = excluded.sha256 THEN pdfs.extract_status ELSE 'pending' END, "
                "error = CASE WHEN pdfs.sha256 = excluded.sha256 THEN pdfs.error ELSE NULL END, "
                "pages = CASE WHEN pdfs.sha256 = excluded.sha256 THEN pdfs.pages ELSE NULL END, "
                "extracted_at = CASE WHEN pdfs.sha256 = excluded.sha256 THEN pdfs.extracted_at ELSE NULL END, "
                "sha256 = excluded.sha256",
                (key, path, version, sha256, size, source, now_iso()),
            )
        record = self.pdf_record(key)
        assert record is not None
        return record

    def record_extraction(
        self, key: str, status: str, error: str | None = None, pages: int | None = None, text: str | None = None
    ) -> None:
        """Store the outcome of an extraction; text (if any) goes into papers.fulltext in the same transaction.

        A failure keeps whatever text the paper already had.
        """
        if status not in EXTRACT_STATUSES:
            raise ValueError(f"unknown extraction status {status!r}")
        with immediate(self.conn):
            self.conn.execute(
                "UPDATE pdfs SET extract_status = ?, error = ?, pages = ?, extracted_at = ? WHERE paper_key = ?",
                (status, clean_line(error) or None, pages, now_iso(), key),
            )
            if text is not None:
                self.conn.execute(
                    "UPDATE papers SET fulltext = ? WHERE key = ?", (clean_text(text).strip() or None, key)
                )

    def forget_pdf(self, key: str) -> None:
        """Drop the record of a paper's PDF and its extracted text (the file is the caller's)."""
        with immediate(self.conn):
            self.conn.execute("DELETE FROM pdfs WHERE paper_key = ?", (key,))
            self.conn.execute("UPDATE papers SET fulltext = NULL WHERE key = ?", (key,))

    def fulltext(self, key: str) -> str | None:
        row = self.conn.execute("SELECT fulltext FROM papers WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def pdf_records(self, status: str | None = None) -> list[PdfRecord]:
        """Every PDF of a paper still in the library (optionally only those with one extraction status)."""
        sql = f"SELECT {_COLUMNS} FROM pdfs d JOIN papers p ON p.key = d.paper_key"
        params: list[Any] = []
        if status is not None:
            sql += " WHERE d.extract_status = ?"
            params.append(status)
        sql += " ORDER BY d.downloaded_at, d.paper_key"
        return [_record(r) for r in self.conn.execute(sql, params)]

    def add_local(self, key: str, title: str, status: str = "to-read", authors: list[str] | None = None) -> bool:
        """A local entry (a PDF without an arXiv id). Returns False if the key already exists."""
        import json

        authors = [clean_line(a) for a in (authors or []) if clean_line(a)]
        with immediate(self.conn):
            if self.conn.execute("SELECT 1 FROM papers WHERE key = ?", (key,)).fetchone():
                return False
            self.conn.execute(
                "INSERT INTO papers (key, title, authors, authors_text, source, status, added_at) "
                "VALUES (?, ?, ?, ?, 'local', ?, ?)",
                (key, clean_line(title) or key, json.dumps(authors, ensure_ascii=False), ", ".join(authors),
                 status, now_iso()),
            )
        return True
