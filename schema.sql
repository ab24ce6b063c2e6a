-- readr library schema (head). `PRAGMA user_version` holds the schema version;
-- readr/migrations/NNNN_*.sql take an older library here, and a test checks that a
-- blank database migrated to head matches this file exactly.

-- One row per paper. arXiv papers are keyed by their base id (no version);
-- other entries (a web page, a local PDF) get a key such as "web-1a2b3c4d5e".
-- status NULL marks a catalogue entry (bulk import): searchable, not on the reading list.
CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    arxiv_id TEXT UNIQUE,
    latest_version INTEGER,
    read_version INTEGER,
    title TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    authors_text TEXT NOT NULL DEFAULT '',
    abstract TEXT NOT NULL DEFAULT '',
    primary_category TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    published TEXT,
    updated TEXT,
    comment TEXT,
    journal_ref TEXT,
    doi TEXT,
    url TEXT,
    pdf_url TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT 'arxiv',
    status TEXT CHECK (status IN ('inbox', 'to-read', 'reading', 'read', 'dismissed')),
    added_at TEXT,
    read_at TEXT,
    read_seq INTEGER,
    summary TEXT NOT NULL DEFAULT '',
    summary_updated_at TEXT,
    tags_text TEXT NOT NULL DEFAULT '',
    fulltext TEXT,
    metadata_fetched_at TEXT
);
CREATE INDEX papers_status_added ON papers (status, added_at);
CREATE INDEX papers_read_at ON papers (read_at, read_seq) WHERE read_at IS NOT NULL;
CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi IS NOT NULL;
-- The reading list in the order `readr list` shows it (added_at DESC, id DESC, read backwards).
CREATE INDEX papers_list_added ON papers (added_at) WHERE status IS NOT NULL;

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE paper_tags (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX paper_tags_tag ON paper_tags (tag_id, paper_id);

-- The bold spans of each summary, rebuilt by the store on every summary change.
CREATE TABLE takeaways (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;

-- Followed arXiv categories, queries and authors for `readr fetch`.
CREATE TABLE follows (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('category', 'query', 'author')),
    value TEXT NOT NULL,
    last_fetched_at TEXT,
    UNIQUE (kind, value)
);

-- Small key/value settings that belong to the library rather than the user config.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- Names of the migrations applied, in order.
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- Full-text index over the papers table (external content: no second copy of the text).
CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, authors_text, abstract, summary, tags_text, fulltext,
    content = 'papers', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES (new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext);
END;

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES ('delete', old.id, old.title, old.authors_text, old.abstract, old.summary, old.tags_text, old.fulltext);
END;

CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, authors_text, abstract, summary, tags_text, fulltext ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES ('delete', old.id, old.title, old.authors_text, old.abstract, old.summary, old.tags_text, old.fulltext);
    INSERT INTO papers_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES (new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext);
END;

-- How a published digest page wrote an entry (readr import PAGE.md), so that exporting the
-- week again gives the same link target (pdf, versioned, old-style, non-arXiv) and title text.
-- Keyed by the paper's key rather than its row id: undo re-inserts the papers row and must
-- not lose it. `style` is JSON (bold title, separator, list marker); `base_dir` is the folder
-- of the imported page, against which its relative image paths resolve.
CREATE TABLE digest_entries (
    paper_key TEXT PRIMARY KEY,
    link TEXT NOT NULL,
    title TEXT NOT NULL,
    style TEXT NOT NULL DEFAULT '{}',
    base_dir TEXT
);

-- BibTeX citation keys kept from imported .bib files, so exports cite a paper the same way.
CREATE TABLE cite_keys (
    paper_key TEXT PRIMARY KEY,
    cite_key TEXT NOT NULL
);
CREATE UNIQUE INDEX cite_keys_cite_key ON cite_keys (cite_key);

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

-- The reading list's own full-text index (papers with a status; catalogue entries are left out).
-- Searches limited to the reading list (the TUI's views, `readr search --reading-list`) use it,
-- so with a million catalogue entries they never wade through the catalogue's matches to find
-- the few on the list. It holds its own copy of the text: the reading list is small.
CREATE VIRTUAL TABLE library_fts USING fts5 (
    title, authors_text, abstract, summary, tags_text, fulltext,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER library_fts_insert AFTER INSERT ON papers WHEN new.status IS NOT NULL BEGIN
    INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES (new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext);
END;

CREATE TRIGGER library_fts_delete AFTER DELETE ON papers WHEN old.status IS NOT NULL BEGIN
    DELETE FROM library_fts WHERE rowid = old.id;
END;

CREATE TRIGGER library_fts_update
AFTER UPDATE OF status, title, authors_text, abstract, summary, tags_text, fulltext ON papers
WHEN old.status IS NOT NULL OR new.status IS NOT NULL BEGIN
    DELETE FROM library_fts WHERE rowid = old.id;
    INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    SELECT new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext
    WHERE new.status IS NOT NULL;
END;

-- Prefix search as you type. FTS5 answers "net"* by merging the whole list of papers of every
-- word that starts with "net" before it returns the first row (~75 ms for "model"* at a million
-- papers, ~700 ms for "the"*); the same words written as ("net" OR "network" ...) return the
-- newest matches at once. The word list below finds those words with one range scan. Always
-- complete: every word of papers_fts is in fts_terms, in fts_terms_new's word list, or in
-- library_fts's (reading-list papers, kept by its own triggers).

-- Every word of papers_fts at the last rebuild (the catalogue import, `readr check --repair`).
CREATE TABLE fts_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL  -- papers holding it at the last rebuild (ranks prefixes by their common words)
) WITHOUT ROWID;

-- The words of catalogue entries (status NULL) added or changed since then: their text goes into
-- this small index (no copy of the text, no positions), whose own word list covers them. Keyed by
-- the paper's id; a paper changed twice is in it twice (it only ever grows, until emptied).
CREATE VIRTUAL TABLE fts_terms_new USING fts5 (
    text, content = '', detail = 'none',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_terms_insert AFTER INSERT ON papers WHEN new.status IS NULL BEGIN
    INSERT INTO fts_terms_new (rowid, text) VALUES (new.id, new.title || ' ' || new.authors_text || ' ' ||
        new.abstract || ' ' || new.summary || ' ' || new.tags_text || ' ' || coalesce(new.fulltext, ''));
END;

CREATE TRIGGER papers_fts_terms_update
AFTER UPDATE OF status, title, authors_text, abstract, summary, tags_text, fulltext ON papers
WHEN new.status IS NULL AND (old.status IS NOT NULL OR new.title IS NOT old.title
    OR new.authors_text IS NOT old.authors_text OR new.abstract IS NOT old.abstract
    OR new.summary IS NOT old.summary OR new.tags_text IS NOT old.tags_text OR new.fulltext IS NOT old.fulltext) BEGIN
    INSERT INTO fts_terms_new (rowid, text) VALUES (new.id, new.title || ' ' || new.authors_text || ' ' ||
        new.abstract || ' ' || new.summary || ' ' || new.tags_text || ' ' || coalesce(new.fulltext, ''));
END;
-- `readr sync`: the reading state of teammates, the last state this reader shared, and summaries
-- of the reader's own that were edited on two machines.

-- Teammates' notes from the shared git repository, one per reader per paper; never the reader's
-- own (their own state lives in papers). `tags` is a JSON list.
CREATE TABLE team_notes (
    reader TEXT NOT NULL,
    paper_key TEXT NOT NULL,
    status TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    summary TEXT NOT NULL DEFAULT '',
    read_at TEXT,
    PRIMARY KEY (reader, paper_key)
) WITHOUT ROWID;
CREATE INDEX team_notes_paper ON team_notes (paper_key);
CREATE INDEX team_notes_read_at ON team_notes (read_at) WHERE read_at IS NOT NULL;

-- The reader's own notes as the last completed sync shared them (JSON): the common ancestor of
-- a three-way merge between this library and the reader's other machines.
CREATE TABLE sync_base (
    paper_key TEXT PRIMARY KEY,
    note TEXT NOT NULL
);

-- A summary the reader edited on two machines before syncing: papers.summary keeps this
-- machine's text, `other_summary` the other machine's, until the reader resolves it.
CREATE TABLE summary_conflicts (
    paper_key TEXT PRIMARY KEY,
    other_summary TEXT NOT NULL,
    found_at TEXT NOT NULL
);

-- The relevance model learned from the reader's triage (readr/ranking.py), cached so that listing
-- the inbox by relevance does not retrain. `name` is '' for the reader's model and 'tag:NAME' for
-- the model of one tag (the like: filter); `fingerprint` sums up the triage it was learned from,
-- and a model whose fingerprint or format no longer matches is retrained (the old one is used
-- until the new one is written, in one statement).
CREATE TABLE ranking_models (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    format INTEGER NOT NULL,
    trained_at TEXT NOT NULL,
    model BLOB NOT NULL
);

-- How an imported .bib file wrote each entry (readr/migrations/0009_bib_entries.sql): the entry
-- type, every field in file order, and what readr read from the fields it models at import;
-- while the paper still says that, export writes the field as the file had it.
CREATE TABLE bib_entries (
    paper_key TEXT PRIMARY KEY,
    entry_type TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    imported TEXT NOT NULL DEFAULT '{}'
);
