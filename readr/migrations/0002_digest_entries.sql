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
