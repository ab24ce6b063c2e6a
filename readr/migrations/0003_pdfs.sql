-- PDFs downloaded from arXiv (readr pdf) or imported from disk (readr import paper.pdf), one per
-- paper, and the outcome of extracting their text into papers.fulltext. Keyed by the paper's
-- key rather than its row id: undo re-inserts the papers row and must not lose it. `path` is
-- relative to the library's data directory. A failed extraction is recorded with its error
-- and not retried for the same file (sha256) unless asked to.
CREATE TABLE pdfs (
    paper_key TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    version INTEGER,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT 'arxiv' CHECK (source IN ('arxiv', 'local')),
    downloaded_at TEXT NOT NULL,
    extract_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (extract_status IN ('pending', 'ok', 'damaged', 'failed')),
    error TEXT,
    pages INTEGER,
    extracted_at TEXT
);
